package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.admin.AdminServer;
import dev.sidecarinjector.proxy.admin.Readiness;
import dev.sidecarinjector.proxy.metrics.Direction;
import dev.sidecarinjector.proxy.metrics.Metrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The running sidecar: admin endpoints, the inbound and outbound capture listeners, and draining. */
public final class SidecarProxy implements AutoCloseable {
    /** Istio's inbound passthrough source; the init rules let it reach the app unredirected. */
    static final String INBOUND_SOURCE = "127.0.0.6";

    private final ProxySettings settings;
    private final DestinationResolver resolver;
    private final Metrics metrics = new Metrics();
    private final Readiness readiness = new Readiness();
    private final EventLoopGroup loops;
    private final int loopCount;
    private List<Channel> inbound = List.of();
    private List<Channel> outbound = List.of();
    private Channel health;
    private Channel prometheus;

    public SidecarProxy(ProxySettings settings, DestinationResolver resolver) {
        // Fail with Netty's reason (missing library, noexec /tmp) before any event loop is made.
        Epoll.ensureAvailability();
        this.settings = settings;
        this.resolver = resolver;
        // One loop per CPU the cgroup grants; each accepts and relays its own connections.
        this.loopCount = Runtime.getRuntime().availableProcessors();
        this.loops = new MultiThreadIoEventLoopGroup(loopCount, new DefaultThreadFactory("proxy-io"), EpollIoHandler.newFactory());
    }

    /** Binds the admin ports first, so probes answer 503 rather than "connection refused" while starting. */
    public SidecarProxy start() throws InterruptedException, UnknownHostException {
        var admin = new AdminServer(loops);
        health = admin.bindHealth(settings.healthPort(), readiness);
        prometheus = admin.bindMetrics(settings.metricsPort(), metrics);
        var loopGuard = LoopGuard.forThisHost(new HashSet<>(List.of(settings.inboundPort(), settings.outboundPort(),
                settings.healthPort(), settings.metricsPort(), port(health), port(prometheus))));
        var listener = new CaptureListener(resolver, loopGuard, metrics, settings);
        inbound = bindOnEveryLoop(listener, Direction.INBOUND, settings.inboundPort(),
                new EpollUpstreamConnector(settings.connectTimeoutMillis(), InetAddress.getByName(INBOUND_SOURCE)));
        outbound = bindOnEveryLoop(listener, Direction.OUTBOUND, settings.outboundPort(),
                new EpollUpstreamConnector(settings.connectTimeoutMillis(), null));
        readiness.inboundBound(true);
        readiness.outboundBound(true);
        for (Channel channel : inbound) {
            channel.closeFuture().addListener(new ListenerClosed(readiness, true));
        }
        for (Channel channel : outbound) {
            channel.closeFuture().addListener(new ListenerClosed(readiness, false));
        }
        EventLog.info("proxy ready: inbound :" + inboundPort() + ", outbound :" + outboundPort() + ", health :"
                + port(health) + ", metrics :" + port(prometheus) + ", " + loopCount + " io threads");
        return this;
    }

    /**
     * Readiness fails first (endpoints stop sending new traffic), the capture listeners close, and open
     * connections get up to the drain period to finish. Blocks: call it from a signal thread, never an event loop.
     */
    public void drain() throws InterruptedException {
        readiness.startDraining();
        var closing = new ArrayList<ChannelFuture>();
        for (List<Channel> listeners : List.of(inbound, outbound)) {
            for (Channel listener : listeners) {
                closing.add(listener.close());
            }
        }
        for (var closed : closing) {
            closed.sync();
        }
        long deadline = System.nanoTime() + settings.drain().toNanos();
        EventLog.info("draining " + metrics.activeConnections() + " connections for up to " + settings.drain().toSeconds() + "s");
        while (metrics.activeConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        EventLog.info("drained, " + metrics.activeConnections() + " connections left open");
    }

    @Override
    public void close() {
        // Graceful shutdown closes every channel left, then the threads; no quiet period is needed.
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    public Metrics metrics() {
        return metrics;
    }

    public Readiness readiness() {
        return readiness;
    }

    /** The proxy's event loops, which the config client's connection and the admin port share. */
    public EventLoopGroup loops() {
        return loops;
    }

    public int inboundPort() {
        return port(inbound.getFirst());
    }

    public int outboundPort() {
        return port(outbound.getFirst());
    }

    public int healthPort() {
        return port(health);
    }

    public int metricsPort() {
        return port(prometheus);
    }

    public Duration drainPeriod() {
        return settings.drain();
    }

    /** One listener per loop on one port; the first fixes the port when the flag asked for any (0). */
    private List<Channel> bindOnEveryLoop(CaptureListener listener, Direction direction, int port, UpstreamConnector connector)
            throws InterruptedException {
        var channels = new ArrayList<Channel>();
        for (EventExecutor executor : loops) {
            Channel bound = listener.bind((EventLoop) executor, direction, channels.isEmpty() ? port : port(channels.getFirst()), connector);
            channels.add(bound);
        }
        return List.copyOf(channels);
    }

    /** A capture listener closed (draining, or it failed): the proxy is no longer ready. */
    private record ListenerClosed(Readiness readiness, boolean inbound) implements ChannelFutureListener {
        @Override
        public void operationComplete(ChannelFuture closed) {
            if (inbound) {
                readiness.inboundBound(false);
            } else {
                readiness.outboundBound(false);
            }
        }
    }

    private static int port(Channel channel) {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }
}
