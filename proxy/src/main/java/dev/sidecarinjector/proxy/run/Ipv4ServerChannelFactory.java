package dev.sidecarinjector.proxy.run;

import io.netty.channel.ChannelFactory;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

/**
 * Makes the IPv4 epoll listening sockets of the capture and admin listeners: SO_ORIGINAL_DST is asked
 * at SOL_IP, and the rules are iptables (not ip6tables). A named class rather than a lambda, which
 * would cost a generated class.
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
