package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.proxy.mesh.CompiledListener;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.metrics.DirectionMetrics;
import dev.sidecarinjector.proxy.ratelimit.NanoClock;
import dev.sidecarinjector.proxy.ratelimit.RateLimiters;
import dev.sidecarinjector.proxy.run.DrainState;
import dev.sidecarinjector.proxy.tls.MeshTls;
import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The HTTP/1.1 path of one direction (outbound 15001 or inbound 15006): turns an accepted connection into an HTTP
 * server connection whose requests are routed, retried, timed out and counted, and keeps the upstream connection
 * pools (one per event loop, so a request and its upstream connection share one thread).
 */
public final class HttpEngine {

    /** Envoy's default limit on a request's headers (max_request_headers_kb: 60); beyond it, 431. Also the start line's. */
    public static final int MAX_HEADERS_BYTES = 60 * 1024;

    private final SnapshotHolder holder;
    private final boolean inbound;
    private final int connectTimeoutMillis;
    private final Duration idleTimeout;
    private final long maxRequestBodyBytes;
    private final DrainState drain;
    private final DirectionMetrics connectionMetrics;
    private final HttpObserver observer;
    private final RandomSource random;
    /** Mutual TLS to endpoints with a sidecar (outbound), or null: every upstream connection is plaintext. */
    private final MeshTls tls;
    private final FastThreadLocal<UpstreamPool> pools = new Pools(this);
    private final RateLimiters rateLimiters = new RateLimiters(NanoClock.INSTANCE);
    /** Every loop's pool, so a request waiting for a slot can ask the others to give back an idle connection. */
    private final java.util.List<UpstreamPool> allPools = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Requests waiting for a connection slot of a cluster (http1MaxPendingRequests), across event loops. */
    private final Map<String, Queue<Exchange>> waiting = new ConcurrentHashMap<>();

    /**
     * @param inbound the engine of inbound connections: upstream connections come from Istio's passthrough source
     * @param maxRequestBodyBytes a request body over this is answered 413; 0 for no limit (Envoy's default)
     * @param tls mutual TLS for upstream connections to the mesh's endpoints, or null (inbound: the application is local)
     */
    public HttpEngine(SnapshotHolder holder, boolean inbound, int connectTimeoutMillis, Duration idleTimeout,
                      long maxRequestBodyBytes, DrainState drain, DirectionMetrics connectionMetrics,
                      HttpObserver observer, RandomSource random, MeshTls tls) {
        this.holder = holder;
        this.inbound = inbound;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.idleTimeout = idleTimeout;
        this.maxRequestBodyBytes = maxRequestBodyBytes;
        this.drain = drain;
        this.connectionMetrics = connectionMetrics;
        this.observer = observer;
        this.random = random;
        this.tls = tls;
    }

    /** Serves the requests of an accepted outbound connection to {@code listener}, an HTTP listener. */
    public void serveOutbound(Channel accepted, CompiledListener listener, InetSocketAddress originalDestination, int address) {
        serve(accepted, Target.outbound(listener, originalDestination, address), null);
    }

    /**
     * Serves the requests of an accepted inbound connection to the application's HTTP port; {@code peerPrincipal} is
     * the client's principal when it came over mutual TLS ({@code cluster.local/ns/NS/sa/SA}), null in plaintext.
     */
    public void serveInbound(Channel accepted, InboundPort port, InetSocketAddress originalDestination, String peerPrincipal) {
        serve(accepted, Target.inbound(port, originalDestination), peerPrincipal);
    }

    private void serve(Channel accepted, Target target, String peerPrincipal) {
        accepted.pipeline().addLast("exchange", new DownstreamHttp(this, target, peerPrincipal));
    }

    SnapshotHolder holder() {
        return holder;
    }

    boolean inbound() {
        return inbound;
    }

    int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    long maxRequestBodyBytes() {
        return maxRequestBodyBytes;
    }

    boolean draining() {
        return drain.isDraining();
    }

    DirectionMetrics connectionMetrics() {
        return connectionMetrics;
    }

    /** The inbound ports' local rate limiters, kept across snapshots. */
    RateLimiters rateLimiters() {
        return rateLimiters;
    }

    HttpObserver observer() {
        return observer;
    }

    RandomSource random() {
        return random;
    }

    /** Null on the inbound engine and without an identity. */
    MeshTls tls() {
        return tls;
    }

    /** The pool of {@code loop}, the calling thread. */
    UpstreamPool pool(io.netty.channel.EventLoop loop) {
        var pool = pools.get();
        pool.bind(loop);
        return pool;
    }

    Queue<Exchange> waiting(String cluster) {
        return waiting.computeIfAbsent(cluster, NewQueue.INSTANCE);
    }

    /** A connection slot of {@code cluster} was freed: the longest-waiting request (on any loop) tries again. */
    void slotFreed(String cluster) {
        var queue = waiting.get(cluster);
        if (queue == null) {
            return;
        }
        var next = queue.poll();
        if (next != null) {
            next.wake();
        }
    }

    /**
     * A request of {@code cluster} waits for a slot while connections of the cluster sit idle (on other loops, or to
     * endpoints no longer in it, or more than a lowered {@code maxConnections}): each pool closes one of them, which
     * frees its slot and wakes the waiting request, as Envoy drains the pools of a changed cluster.
     */
    void reclaimIdle(String cluster) {
        for (var pool : allPools) {
            pool.closeOneIdle(cluster);
        }
    }

    boolean anyWaiting(String cluster) {
        var queue = waiting.get(cluster);
        return queue != null && !queue.isEmpty();
    }

    private static final class Pools extends FastThreadLocal<UpstreamPool> {
        private final HttpEngine engine;

        Pools(HttpEngine engine) {
            this.engine = engine;
        }

        @Override
        protected UpstreamPool initialValue() {
            var pool = new UpstreamPool(engine);
            engine.allPools.add(pool);
            return pool;
        }
    }

    private static final class NewQueue implements java.util.function.Function<String, Queue<Exchange>> {
        static final NewQueue INSTANCE = new NewQueue();

        @Override
        public Queue<Exchange> apply(String cluster) {
            return new ConcurrentLinkedQueue<>();
        }
    }
}
