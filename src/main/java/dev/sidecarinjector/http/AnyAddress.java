package dev.sidecarinjector.http;

import io.quarkus.runtime.LaunchMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.function.Supplier;

/**
 * Where the webhook (8443) and the configuration stream (15012) listen unless told otherwise: every address of the
 * pod, of both families. That is {@code [::]} (one socket that also takes IPv4, as istiod's Go listeners do) where the
 * process can open an IPv6 socket, and {@code 0.0.0.0} where it cannot (a kernel booted with {@code ipv6.disable=1},
 * or {@code -Djava.net.preferIPv4Stack=true}). Quarkus's own default is {@code 0.0.0.0}, which an IPv6-only cluster's
 * API server and proxies cannot reach.
 *
 * <p>As a configuration source ({@link ProductionDefault}) it gives {@code quarkus.http.host} that default in
 * production; {@code QUARKUS_HTTP_HOST} and the rest win, and dev and test mode keep Quarkus's {@code localhost}.
 */
public final class AnyAddress extends ProductionDefault {

    public static final String IPV6_ANY = "::";
    public static final String IPV4_ANY = "0.0.0.0";
    static final String HTTP_HOST = "quarkus.http.host";
    private static volatile String probed;

    /** What the ServiceLoader makes. */
    public AnyAddress() {
        this(LaunchMode::current, AnyAddress::get);
    }

    AnyAddress(Supplier<LaunchMode> mode, Supplier<String> any) {
        super(HTTP_HOST, mode, any);
    }

    /** {@code ::} when this process can listen on IPv6, else {@code 0.0.0.0}; found out once. */
    public static String get() {
        var found = probed;
        if (found == null) {
            found = canListenOnIpv6() ? IPV6_ANY : IPV4_ANY;
            probed = found;
        }
        return found;
    }

    private static boolean canListenOnIpv6() {
        try (var channel = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            channel.bind(new InetSocketAddress(IPV6_ANY, 0));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public String getName() {
        return "every address of both families (" + AnyAddress.class.getName() + ")";
    }
}
