package dev.sidecarinjector.proxy.run;

import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An upstream socket in its destination's address family, for the L4 relay and the HTTP engine alike: a connection
 * captured on the IPv6 listener goes on over IPv6. Inbound, its source is Istio's passthrough address of that family
 * ({@code 127.0.0.6} or {@code ::6}, which {@code init} adds to {@code lo}), which init's first ISTIO_OUTPUT rule lets
 * reach the app uncaptured. Neither choice allocates: the family is a type test, the sources are constants.
 */
public final class UpstreamSocket {
    /** Istio's InboundPassthroughBindIpv4. */
    public static final InetAddress PASSTHROUGH_IPV4 = InetAddress.ofLiteral("127.0.0.6");
    /** Istio's InboundPassthroughBindIpv6. */
    public static final InetAddress PASSTHROUGH_IPV6 = InetAddress.ofLiteral("::6");
    private static final InetSocketAddress FROM_PASSTHROUGH_IPV4 = new InetSocketAddress(PASSTHROUGH_IPV4, 0);
    private static final InetSocketAddress FROM_PASSTHROUGH_IPV6 = new InetSocketAddress(PASSTHROUGH_IPV6, 0);

    private UpstreamSocket() {
    }

    public static EpollSocketChannel open(InetSocketAddress destination) {
        return new EpollSocketChannel(ipv6(destination) ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
    }

    /** The source to bind (port 0: picked at connect time) for an inbound connection to the app at {@code destination}. */
    public static InetSocketAddress passthroughSource(InetSocketAddress destination) {
        return ipv6(destination) ? FROM_PASSTHROUGH_IPV6 : FROM_PASSTHROUGH_IPV4;
    }

    private static boolean ipv6(InetSocketAddress destination) {
        return destination.getAddress() instanceof Inet6Address;
    }
}
