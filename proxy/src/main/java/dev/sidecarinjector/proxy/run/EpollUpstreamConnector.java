package dev.sidecarinjector.proxy.run;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Connects upstream on the downstream channel's own event loop, so both halves of a connection share
 * one thread and never hand buffers across threads.
 *
 * @param sourceAddress source to bind (127.0.0.6 for inbound, as Istio does), or null to let the kernel pick
 */
record EpollUpstreamConnector(int connectTimeoutMillis, InetAddress sourceAddress) implements UpstreamConnector {

    @Override
    public ChannelFuture connect(Connection connection, InetSocketAddress destination) {
        Bootstrap bootstrap = new Bootstrap()
                .group(connection.downstream().eventLoop())
                .channelFactory(() -> new EpollSocketChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new Relay(connection));
        if (sourceAddress == null) {
            return bootstrap.connect(destination);
        }
        // The source port is picked at connect time, per destination, instead of at bind time from the
        // ports free on 127.0.0.6 for every destination: many short connections do not run out (HAProxy does the same).
        return bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true)
                .connect(destination, new InetSocketAddress(sourceAddress, 0));
    }
}
