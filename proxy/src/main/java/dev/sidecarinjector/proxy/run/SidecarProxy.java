package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.admin.AdminServer;
import dev.sidecarinjector.proxy.admin.Readiness;
import dev.sidecarinjector.proxy.http.HttpEngine;
import dev.sidecarinjector.proxy.http.IstioHttpObserver;
import dev.sidecarinjector.proxy.identity.IdentityHolder;
import dev.sidecarinjector.proxy.identity.WorkloadCertificate;
import dev.sidecarinjector.proxy.tls.MeshTls;
import dev.sidecarinjector.proxy.mesh.CompiledSnapshot;
import dev.sidecarinjector.proxy.metrics.IstioMetrics;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.metrics.Direction;
import dev.sidecarinjector.proxy.metrics.Metrics;
import dev.sidecarinjector.proxy.status.StatusPages;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The running sidecar: admin endpoints, the inbound and outbound capture listeners, and draining. */
public final class SidecarProxy implements AutoCloseable {
    /** How often exit-on-zero looks at the open connections: once a second, as Istio's agent does. */
    private static final long ZERO_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long the end of the drain waits for the accept queues to empty: they hold what came in the last moment. */
    private static final long QUEUE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often the outlier detectors are looked at; each runs at its own {@code interval}. */
    private static final long OUTLIER_TICK_MS = 100;

    private final ProxySettings settings;
    private final DestinationResolver resolver;
    /** The control plane's configuration; null without one (every connection is relayed at L4). */
    private final SnapshotHolder holder;
    private final Metrics metrics = new Metrics();
    private final DrainState drainState = new DrainState();
    private final Readiness readiness = new Readiness(drainState);
    private final EventLoopGroup loops;
    private final int loopCount;
    private List<Channel> inbound = List.of();
    private List<Channel> outbound = List.of();
    /** Whether the capture listeners have their IPv6 half; false once the kernel refused an IPv6 socket. */
    private boolean ipv6 = true;
    private Channel health;
    private Channel prometheus;
    private Channel status;
    private StatusPages statusPages;
    /** The workload certificate the mesh's mutual TLS uses; null: no identity (plaintext, STRICT ports refuse). */
    private IdentityHolder identity;

    public SidecarProxy(ProxySettings settings, DestinationResolver resolver) {
        this(settings, resolver, null);
    }

    /** {@code holder}: the snapshot the config client keeps current, or null for a proxy with no control plane. */
    public SidecarProxy(ProxySettings settings, DestinationResolver resolver, SnapshotHolder holder) {
        // Fail with Netty's reason (missing library, noexec /tmp) before any event loop is made.
        Epoll.ensureAvailability();
        this.settings = settings;
        this.resolver = resolver;
        this.holder = holder;
        // One loop per CPU the cgroup grants; each accepts and relays its own connections.
        this.loopCount = Runtime.getRuntime().availableProcessors();
        this.loops = new MultiThreadIoEventLoopGroup(loopCount, new DefaultThreadFactory("proxy-io"), EpollIoHandler.newFactory());
    }

    /** Binds the admin ports first, so probes answer 503 rather than "connection refused" while starting. */
    public SidecarProxy start() throws InterruptedException, UnknownHostException {
        var admin = new AdminServer(loops);
        health = admin.bindHealth(settings.healthPort(), readiness);
        prometheus = admin.bindMetrics(settings.metricsPort(), metrics);
        if (statusPages == null) {
            statusPages = new StatusPages(Map.of(), UpstreamSocket.PASSTHROUGH_IPV4, InetAddress.getLoopbackAddress(), new CloseNow(this));
        }
        status = admin.bindStatus(settings.statusPort(), readiness, statusPages);
        ipv6 = admin.ipv6();
        var loopGuard = LoopGuard.forThisHost(new HashSet<>(List.of(settings.inboundPort(), settings.outboundPort(),
                settings.healthPort(), settings.metricsPort(), settings.statusPort(), port(health), port(prometheus), port(status))));
        var listener = new CaptureListener(resolver, loopGuard, metrics, settings, drainState, meshTraffic());
        inbound = bindOnEveryLoop(listener, Direction.INBOUND, settings.inboundPort(),
                new EpollUpstreamConnector(settings.connectTimeoutMillis(), true));
        outbound = bindOnEveryLoop(listener, Direction.OUTBOUND, settings.outboundPort(),
                new EpollUpstreamConnector(settings.connectTimeoutMillis(), false));
        readiness.inboundBound(true);
        readiness.outboundBound(true);
        for (Channel channel : inbound) {
            channel.closeFuture().addListener(new ListenerClosed(readiness, true));
        }
        for (Channel channel : outbound) {
            channel.closeFuture().addListener(new ListenerClosed(readiness, false));
        }
        EventLog.info("proxy listening: inbound :" + inboundPort() + ", outbound :" + outboundPort()
                + (ipv6 ? " (IPv4 and IPv6)" : " (IPv4 only)") + ", health :"
                + port(health) + ", metrics :" + port(prometheus) + ", status :" + port(status)
                + (statusPages.probeCount() > 0 ? " (" + statusPages.probeCount() + " application probes)" : "") + ", " + loopCount + " io threads");
        return this;
    }

    /**
     * The workload certificate (kept current by the identity manager) for mutual TLS between proxies; set before
     * {@link #start()}, with a control plane. Without it every connection is plaintext.
     */
    public void identity(IdentityHolder identity) {
        this.identity = identity;
    }

    /** The status port's probes and quit action; set before {@link #start()} (default: no probes, quit closes). */
    public void statusPages(StatusPages pages) {
        this.statusPages = pages;
    }

    public int statusPort() {
        return port(status);
    }

    private record CloseNow(SidecarProxy proxy) implements Runnable {
        @Override
        public void run() {
            proxy.close();
        }
    }

    /** The HTTP engines and the outlier-detection timer, when there is a control plane. */
    private MeshTraffic meshTraffic() {
        if (holder == null) {
            return null;
        }
        holder.onSwap(new LabelWithWorkload(metrics.istio()));
        MeshTls tls = null;
        if (identity != null) {
            identity.onInstall(new LabelWithPrincipal(metrics.istio()));
            if (identity.current() != null) {
                metrics.istio().selfPrincipal(identity.current().identity().principal());
            }
            tls = MeshTls.following(identity);
        }
        var httpObserver = new IstioHttpObserver(metrics.istio());
        var outboundHttp = new HttpEngine(holder, false, settings.connectTimeoutMillis(), settings.idleTimeout(),
                settings.maxRequestBodyBytes(), drainState, metrics.of(Direction.OUTBOUND), httpObserver, RandomSource.THREAD_LOCAL, tls);
        var inboundHttp = new HttpEngine(holder, true, settings.connectTimeoutMillis(), settings.idleTimeout(),
                settings.maxRequestBodyBytes(), drainState, metrics.of(Direction.INBOUND), httpObserver, RandomSource.THREAD_LOCAL, null);
        loops.next().scheduleAtFixedRate(new OutlierTicks(holder), OUTLIER_TICK_MS, OUTLIER_TICK_MS, TimeUnit.MILLISECONDS);
        return new MeshTraffic(holder, outboundHttp, inboundHttp, tls);
    }

    /** Istio's mutual TLS series name this proxy by its certificate's principal. */
    private record LabelWithPrincipal(IstioMetrics istio) implements IdentityHolder.Listener {
        @Override
        public void installed(WorkloadCertificate certificate) {
            istio.selfPrincipal(certificate.identity().principal());
        }
    }

    /** Istio's metrics name this proxy's workload as the snapshot does. */
    private record LabelWithWorkload(IstioMetrics istio) implements SnapshotHolder.SwapListener {
        @Override
        public void swapped(CompiledSnapshot snapshot) {
            istio.self(snapshot.snapshot() == null ? null : snapshot.snapshot().workload());
        }
    }

    /** Lets each cluster's outlier detector run its interval: ejections end, multipliers decay. */
    private record OutlierTicks(SnapshotHolder holder) implements Runnable {
        @Override
        public void run() {
            var now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
            for (var cluster : holder.current().clusters()) {
                var detector = cluster.outlierDetector();
                if (detector != null) {
                    detector.maybeTick(now);
                }
            }
        }
    }

    /**
     * Envoy's graceful drain: readiness fails at once, so the endpoints are removed, while the capture
     * listeners go on accepting and relaying what the cluster still sends until the drain period ends (or,
     * with exit-on-zero, until no connection is open); then the listeners close. Closing them at once reset
     * the connections in the kernel's accept queue and refused those sent before every node had removed the
     * endpoint. Blocks: call it from a signal thread, never an event loop. Whatever is still open afterwards
     * is closed by {@link #close()}.
     */
    public void drain() throws InterruptedException {
        drainState.start();
        long started = System.nanoTime();
        long deadline = started + settings.drain().toNanos();
        EventLog.info("draining: not ready, still accepting for up to " + settings.drain().toSeconds() + "s"
                + (settings.exitOnZeroActiveConnections() ? " or until no connection is open" : "") + "; "
                + metrics.activeConnections() + " connections open");
        long nextCheck = started + ZERO_CHECK_NANOS;
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (settings.exitOnZeroActiveConnections() && now >= nextCheck) {
                if (metrics.activeConnections() == 0) {
                    break;
                }
                nextCheck = now + ZERO_CHECK_NANOS;
            }
            Thread.sleep(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(deadline - now))));
        }
        int queued = closeListeners();
        EventLog.info("drained after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms: listeners closed, "
                + drainState.acceptedWhileDraining() + " connections accepted while draining, "
                + metrics.activeConnections() + " left open" + (queued > 0 ? ", " + queued + " still queued were reset" : ""));
    }

    /**
     * Closes the capture listeners without resetting what the kernel has queued: first no new handshake
     * completes, then what is queued is accepted (for at most {@link #QUEUE_WAIT_NANOS}), then they close.
     * Returns how many connections were still queued, and were reset, when they closed.
     */
    private int closeListeners() throws InterruptedException {
        List<Channel> listeners = captureListeners();
        ChannelException refused = null;
        for (Channel listener : listeners) {
            try {
                AcceptQueue.closeToNewConnections(listener);
            } catch (ChannelException e) {
                refused = e;
            }
            // Accepting may be paused after a failed accept (out of file descriptors): resume it for the queue.
            listener.config().setAutoRead(true);
        }
        if (refused != null) {
            // Some kernels refuse a socket filter without CAP_NET_ADMIN, which the proxy does not have.
            EventLog.info("cannot stop new handshakes before closing the listeners (" + refused.getMessage()
                    + "): a connection that arrives as they close is reset");
        }
        long deadline = System.nanoTime() + QUEUE_WAIT_NANOS;
        int queued = queued(listeners);
        while (queued > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
            queued = queued(listeners);
        }
        var closing = new ArrayList<ChannelFuture>();
        for (Channel listener : listeners) {
            closing.add(listener.close());
        }
        for (var closed : closing) {
            closed.sync();
        }
        return queued;
    }

    private static int queued(List<Channel> listeners) {
        int queued = 0;
        for (Channel listener : listeners) {
            try {
                queued += AcceptQueue.length(listener);
            } catch (ChannelException e) {
                // the listener failed and closed: nothing queued on it any more
            }
        }
        return queued;
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

    public DrainState drainState() {
        return drainState;
    }

    /** The capture listeners, inbound then outbound (tests pause accepting on them). */
    List<Channel> captureListeners() {
        var listeners = new ArrayList<Channel>(inbound);
        listeners.addAll(outbound);
        return listeners;
    }

    /**
     * One IPv4 and one IPv6 listener per loop on one port; the first fixes the port when the flag asked for any (0).
     * A kernel without IPv6 (booted with {@code ipv6.disable=1}) cannot make an IPv6 socket: the proxy then listens
     * on IPv4 only and says so once. A port taken on either family fails the start, as it always did.
     */
    private List<Channel> bindOnEveryLoop(CaptureListener listener, Direction direction, int port, UpstreamConnector connector)
            throws InterruptedException {
        return ServerChannelFamily.onOnePort(port, new EveryLoop(this, listener, direction, connector));
    }

    private record EveryLoop(SidecarProxy proxy, CaptureListener listener, Direction direction, UpstreamConnector connector)
            implements ServerChannelFamily.SharedPort<List<Channel>> {
        @Override
        public List<Channel> bind(int port) throws InterruptedException {
            return proxy.bindBothFamilies(listener, direction, port, connector);
        }
    }

    private List<Channel> bindBothFamilies(CaptureListener listener, Direction direction, int port, UpstreamConnector connector)
            throws InterruptedException {
        var channels = new ArrayList<Channel>();
        try {
            for (EventExecutor executor : loops) {
                channels.add(listener.bind((EventLoop) executor, direction, channels.isEmpty() ? port : port(channels.getFirst()), false, connector));
            }
            for (EventExecutor executor : loops) {
                if (!ipv6) {
                    break;
                }
                try {
                    channels.add(listener.bind((EventLoop) executor, direction, port(channels.getFirst()), true, connector));
                } catch (ChannelException e) {
                    ipv6 = false;
                    EventLog.info("no IPv6 in this kernel (" + e.getMessage() + "): the capture listeners are IPv4 only");
                }
            }
        } catch (Exception e) {
            for (var channel : channels) {
                channel.close().sync();
            }
            throw e;
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
