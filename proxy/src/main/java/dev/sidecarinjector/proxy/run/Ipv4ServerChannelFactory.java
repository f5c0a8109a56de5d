package dev.sidecarinjector.proxy.run;

import io.netty.channel.ChannelFactory;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

/**
 * Makes the IPv4 epoll listening sockets of the admin listeners (health, metrics, status, admin), which stay IPv4
 * as Istio's do by default. A named class rather than a lambda, which would cost a generated class. The capture
 * listeners make theirs in {@link CaptureListener}, one per family.
 */
public final class Ipv4ServerChannelFactory implements ChannelFactory<EpollServerSocketChannel> {
    public static final Ipv4ServerChannelFactory INSTANCE = new Ipv4ServerChannelFactory();

    private Ipv4ServerChannelFactory() {
    }

    @Override
    public EpollServerSocketChannel newChannel() {
        return new EpollServerSocketChannel(SocketProtocolFamily.INET);
    }
}
