package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.metrics.Direction;
import dev.sidecarinjector.proxy.metrics.Metrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannelConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Binds a listener that iptables REDIRECTs to (15006 inbound, 15001 outbound), one per event loop and address
 * family on the same port ({@code SO_REUSEPORT}): the kernel spreads connections over the loops, and each
 * connection is accepted, relayed and closed on the loop that accepted it, with no hand-off between
 * an accept thread and an I/O thread (a wake-up and two context switches per connection). It goes on
 * accepting while the proxy drains, until {@link SidecarProxy#drain()} closes it at the end of the period.
 * The IPv6 listener is {@code IPV6_V6ONLY}, beside the IPv4 one ({@link ServerChannelFamily}).
 */
record CaptureListener(DestinationResolver resolver, LoopGuard loopGuard, Metrics metrics, ProxySettings settings,
                       DrainState drain, MeshTraffic mesh) {

    /**
     * @param ipv6 bind {@code [::]:port} rather than {@code 0.0.0.0:port}
     * @throws io.netty.channel.ChannelException when the kernel has no such family (IPv6 turned off at boot)
     */
    Channel bind(EventLoop loop, Direction direction, int port, boolean ipv6, UpstreamConnector connector) throws InterruptedException {
        var family = ipv6 ? ServerChannelFamily.IPV6 : ServerChannelFamily.IPV4;
        var listener = family.newChannel();
        listener.config().setOption(ChannelOption.SO_BACKLOG, 1024);
        // A restarted proxy must rebind while old connections sit in TIME_WAIT.
        listener.config().setOption(ChannelOption.SO_REUSEADDR, true);
        listener.config().setOption(EpollChannelOption.SO_REUSEPORT, true);
        listener.pipeline().addLast(new Acceptor(this, direction, connector));
        loop.register(listener).sync();
        var address = new InetSocketAddress(family.anyAddress(), port);
        return ServerChannelFamily.bound(listener.bind(address), address);
    }

    /**
     * Sets up and registers each accepted connection itself. ServerBootstrap's acceptor added a
     * ChannelInitializer to every connection (added, run, removed again), copied the child option map
     * into it and listened to its registration: pipeline work and objects per connection, for settings
     * that are the same every time.
     */
    static final class Acceptor extends ChannelInboundHandlerAdapter {
        private final CaptureListener listener;
        private final Direction direction;
        private final UpstreamConnector connector;

        Acceptor(CaptureListener listener, Direction direction, UpstreamConnector connector) {
            this.listener = listener;
            this.direction = direction;
            this.connector = connector;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            var accepted = (Channel) msg;
            listener.drain().accepted();
            // Set before registering, so neither costs a system call: nothing is read until upstream is up.
            accepted.config().setAutoRead(false);
            ((SocketChannelConfig) accepted.config()).setAllowHalfClosure(true);
            accepted.pipeline().addLast(new DownstreamHandler(direction, listener.resolver(), listener.loopGuard(),
                    connector, listener.metrics().of(direction), listener.settings().idleTimeout(), listener.mesh(),
                    listener.metrics().istio()));
            // Registering on the listener's own loop completes at once.
            if (ctx.channel().eventLoop().register(accepted).cause() != null) {
                accepted.unsafe().closeForcibly();
            }
        }

        /**
         * Accepting failed (out of file descriptors, say): pause accepting for a second instead of
         * spinning on the error, as Netty's own acceptor does.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            EventLog.info(direction.label() + " listener: accept failed, pausing 1 s: " + cause);
            Channel channel = ctx.channel();
            channel.config().setAutoRead(false);
            channel.eventLoop().schedule(new ResumeAccepting(channel), 1, TimeUnit.SECONDS);
        }
    }

    private record ResumeAccepting(Channel listener) implements Runnable {
        @Override
        public void run() {
            listener.config().setAutoRead(true);
        }
    }
}
