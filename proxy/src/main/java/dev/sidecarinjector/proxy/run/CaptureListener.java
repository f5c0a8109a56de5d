package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.metrics.Direction;
import dev.sidecarinjector.proxy.metrics.Metrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;

/**
 * Binds a listener that iptables REDIRECTs to (15006 inbound, 15001 outbound), one per event loop on
 * the same port ({@code SO_REUSEPORT}): the kernel spreads connections over the loops, and each
 * connection is accepted, relayed and closed on the loop that accepted it, with no hand-off between
 * an accept thread and an I/O thread (a wake-up and two context switches per connection).
 */
record CaptureListener(DestinationResolver resolver, LoopGuard loopGuard, Metrics metrics, ProxySettings settings) {

    Channel bind(EventLoop loop, Direction direction, int port, UpstreamConnector connector) throws InterruptedException {
        return new ServerBootstrap()
                .group(loop, loop)
                .channelFactory(Ipv4ServerChannelFactory.INSTANCE)
                .option(ChannelOption.SO_BACKLOG, 1024)
                // A restarted proxy must rebind while old connections sit in TIME_WAIT.
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new DownstreamHandler(direction, resolver, loopGuard, connector,
                                metrics.of(direction), settings.idleTimeout()));
                    }
                })
                .bind(new InetSocketAddress("0.0.0.0", port))
                .sync()
                .channel();
    }
}
