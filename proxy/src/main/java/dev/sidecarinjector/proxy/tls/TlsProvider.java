package dev.sidecarinjector.proxy.tls;

import dev.sidecarinjector.api.text.RootCause;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/**
 * The TLS implementation of the contexts the proxy makes for the HTTP engine's mutual TLS and the control plane's
 * connection: BoringSSL through netty-tcnative, as Envoy uses, when its native library loads on this platform; the
 * JDK's otherwise, or when {@code -Dsidecar.proxy.tls=jdk} asks for it (through {@code SIDECAR_PROXY_JAVA_OPTS}).
 * Decided once, at the first use, so a proxy that never makes a TLS context never loads the library; {@link #check()}
 * reads the property alone, for {@code run} to refuse a bad value at start.
 */
public final class TlsProvider {

    /** The system property that chooses the implementation. */
    public static final String PROPERTY = "sidecar.proxy.tls";

    record Choice(SslProvider provider, String description) {
    }

    /** Loaded at the first {@link #get()} or {@link #describe()}: only then is the native library tried. */
    private static final class Chosen {
        static final Choice CHOICE = choose(System.getProperty(PROPERTY, ""));
    }

    private TlsProvider() {
    }

    public static SslProvider get() {
        return Chosen.CHOICE.provider();
    }

    /** For example {@code "BoringSSL (netty-tcnative)"} or {@code "the JDK's (-Dsidecar.proxy.tls=jdk)"}. */
    public static String describe() {
        return Chosen.CHOICE.description();
    }

    /** Refuses a value of the property that names no implementation, without loading anything. */
    public static void check() {
        wantsJdk(System.getProperty(PROPERTY, ""));
    }

    static Choice choose(String requested) {
        if (wantsJdk(requested)) {
            return new Choice(SslProvider.JDK, "the JDK's (-D" + PROPERTY + "=jdk)");
        }
        return OpenSsl.isAvailable()
                ? new Choice(SslProvider.OPENSSL, OpenSsl.versionString() + " (netty-tcnative)")
                : new Choice(SslProvider.JDK, "the JDK's (BoringSSL unavailable: " + reason(OpenSsl.unavailabilityCause()) + ")");
    }

    private static boolean wantsJdk(String requested) {
        return switch (requested.strip().toLowerCase(Locale.ROOT)) {
            case "jdk" -> true;
            case "", "boringssl", "openssl" -> false;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + requested + ": expected jdk or boringssl");
        };
    }

    private static String reason(Throwable cause) {
        return cause == null ? "unknown" : RootCause.described(cause);
    }
}
