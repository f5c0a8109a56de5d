package dev.sidecarinjector.proxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * The TLS implementation of every context the proxy makes (the mesh's mutual TLS and the control plane's connection):
 * BoringSSL through netty-tcnative, as Envoy uses, when its native library loads on this platform; the JDK's
 * otherwise, or when {@code -Dsidecar.proxy.tls=jdk} asks for it (through {@code SIDECAR_PROXY_JAVA_OPTS}).
 * Decided once, at the first use; {@link #describe()} says which and why, for the start's log line.
 */
public final class TlsProvider {

    /** The system property that forces the JDK's TLS. */
    public static final String PROPERTY = "sidecar.proxy.tls";

    private static final Choice CHOICE = choose(System.getProperty(PROPERTY, ""));

    record Choice(SslProvider provider, String description) {
    }

    private TlsProvider() {
    }

    public static SslProvider get() {
        return CHOICE.provider();
    }

    /** For example {@code "BoringSSL (netty-tcnative)"} or {@code "the JDK's (-Dsidecar.proxy.tls=jdk)"}. */
    public static String describe() {
        return CHOICE.description();
    }

    static Choice choose(String requested) {
        return switch (requested.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "jdk" -> new Choice(SslProvider.JDK, "the JDK's (-D" + PROPERTY + "=jdk)");
            case "", "boringssl", "openssl" -> OpenSsl.isAvailable()
                    ? new Choice(SslProvider.OPENSSL, OpenSsl.versionString() + " (netty-tcnative)")
                    : new Choice(SslProvider.JDK, "the JDK's (BoringSSL unavailable: " + reason(OpenSsl.unavailabilityCause()) + ")");
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + requested + ": expected jdk or boringssl");
        };
    }

    private static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        var root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
