package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import dev.sidecarinjector.proxy.run.UpstreamSocket;
import dev.sidecarinjector.proxy.tls.MeshTls;
import dev.sidecarinjector.proxy.tls.UpstreamMtls;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The upstream connections of one event loop, idle ones by endpoint address, most recently used first (warm
 * connections, and the cold ones time out). A cluster's {@code maxConnections} counts connections on every loop;
 * a request that finds none free waits as pending ({@code http1MaxPendingRequests}) or overflows (503, UO).
 * Used only from its own event loop.
 */
final class UpstreamPool {

    /** What {@link #acquire} did. */
    enum Acquired {
        /** The exchange has a connection: idle and ready, or being opened. */
        CONNECTION,
        /** Every connection slot is taken: the exchange waits for one ({@link Exchange#wake}). */
        PENDING,
        /** Slots and the pending queue are full: 503 with {@code x-envoy-overloaded}. */
        OVERFLOW,
        /** The new connection could not even be registered (the proxy is stopping): a connect failure. */
        FAILED
    }

    private final HttpEngine engine;
    /** The loop this pool belongs to, known from its first use (written once, on that loop). */
    private volatile EventLoop loop;
    private final Map<InetSocketAddress, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();

    UpstreamPool(HttpEngine engine) {
        this.engine = engine;
    }

    void bind(EventLoop owner) {
        if (loop == null) {
            loop = owner;
        }
    }

    /** From any thread: on this pool's loop, closes one idle connection of {@code cluster}, if it has one. */
    void closeOneIdle(String cluster) {
        var owner = loop;
        if (owner != null) {
            owner.execute(new CloseOneIdle(this, cluster));
        }
    }

    private record CloseOneIdle(UpstreamPool pool, String cluster) implements Runnable {
        @Override
        public void run() {
            for (var connections : pool.idle.values()) {
                for (var connection : connections) {
                    if (connection.cluster != null && connection.cluster.name().equals(cluster)) {
                        connection.channel.close();
                        return;
                    }
                }
            }
        }
    }

    /**
     * {@code cluster} is null for a destination outside any cluster (inbound, passthrough): no limits. {@code mtls}: the
     * contexts for a mutual TLS connection whose peer must be {@code expectedPeer}'s identity, or null for plaintext; an
     * idle connection is reused only if it is secured the same way (a certificate rotated since does not matter).
     */
    Acquired acquire(InetSocketAddress address, ClusterState cluster, Exchange exchange, EventLoop loop, MeshTls.Contexts mtls,
                     Workload expectedPeer) {
        var connections = idle.get(address);
        if (connections != null) {
            UpstreamConnection connection;
            while ((connection = connections.pollFirst()) != null) {
                if (!connection.channel.isActive()) {
                    continue;
                }
                if (connection.secures(mtls != null, expectedPeer)) {
                    connection.assign(exchange);
                    exchange.attach(connection, true);
                    return Acquired.CONNECTION;
                }
                // Made for another security setting (a DestinationRule changed, another pod on the address): not reused.
                connection.channel.close();
            }
        }
        // An unlimited breaker (maxConnections 0) still counts the connection, for /clusters.
        if (cluster != null && !cluster.breaker().tryAcquireConnection()) {
            if (cluster.breaker().tryAcquirePending()) {
                engine.waiting(cluster.name()).add(exchange);
                engine.reclaimIdle(cluster.name());
                return Acquired.PENDING;
            }
            return Acquired.OVERFLOW;
        }
        var connection = open(address, cluster, loop, mtls, expectedPeer);
        connection.holdsSlot = cluster != null;
        if (!connection.channel.isRegistered()) {
            closed(connection);
            return Acquired.FAILED;
        }
        connection.assign(exchange);
        exchange.attach(connection, false);
        return Acquired.CONNECTION;
    }

    private UpstreamConnection open(InetSocketAddress address, ClusterState cluster, EventLoop loop, MeshTls.Contexts mtls,
                                    Workload expectedPeer) {
        var channel = UpstreamSocket.open(address);
        var config = channel.config();
        config.setAutoRead(false);
        var timeout = cluster == null ? engine.connectTimeoutMillis()
                : (int) Math.min(Integer.MAX_VALUE, cluster.cluster().connectionPool().connectTimeoutMs());
        config.setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout);
        if (engine.inbound()) {
            config.setIpBindAddressNoPort(true);
        }
        var connection = new UpstreamConnection(channel, address, cluster, this, mtls != null, expectedPeer);
        channel.pipeline().addLast("upstream", connection);
        if (mtls != null) {
            // First in the pipeline; the try starts once the handshake is done and the peer checked (UpstreamConnection).
            connection.tls = UpstreamMtls.install(channel, mtls.httpClient(), mtls, expectedPeer, engine.tls().refusals());
        }
        var registered = loop.register(channel);
        if (registered.cause() != null) {
            channel.unsafe().closeForcibly();
            return connection;
        }
        var connecting = engine.inbound() ? channel.connect(address, UpstreamSocket.passthroughSource(address)) : channel.connect(address);
        connecting.addListener(connection);
        return connection;
    }

    /**
     * The exchange is done with {@code connection}. Reusable: back to the idle list, unless a request of the same
     * cluster is waiting for a slot (this loop's, for this endpoint, takes it at once; another's gets the slot
     * by this connection closing). Not reusable: closed.
     */
    void release(UpstreamConnection connection, boolean reusable) {
        connection.detach();
        var cluster = connection.cluster;
        if (!reusable || !connection.reusable() || !connection.channel.isActive()) {
            connection.channel.close();
            return;
        }
        var max = cluster == null ? 0 : cluster.cluster().connectionPool().maxRequestsPerConnection();
        if (max > 0 && connection.requests >= max) {
            connection.channel.close();
            return;
        }
        if (cluster != null && engine.anyWaiting(cluster.name())) {
            var queue = engine.waiting(cluster.name());
            for (var waiter : queue) {
                if (waiter.loop() == connection.channel.eventLoop() && connection.address.equals(waiter.address())
                        && connection.secures(waiter.wantsMtls(), waiter.expectedPeer()) && queue.remove(waiter)) {
                    waiter.handOver(connection);
                    return;
                }
            }
            connection.channel.close();
            return;
        }
        connection.idle = true;
        connection.idleSince = System.nanoTime();
        idle.computeIfAbsent(connection.address, NewDeque.INSTANCE).addFirst(connection);
        connection.channel.read();
        if (connection.idleTimer == null) {
            // One timer per connection, re-armed by itself: a timer per release (per request) lived for the whole
            // idle timeout and filled the heap under load.
            var timeout = idleTimeoutNanos(cluster);
            connection.idleTimer = connection.channel.eventLoop().schedule(new IdleCheck(connection, timeout), timeout, TimeUnit.NANOSECONDS);
        }
    }

    private long idleTimeoutNanos(ClusterState cluster) {
        return cluster != null && cluster.cluster().connectionPool().idleTimeoutMs() > 0
                ? TimeUnit.MILLISECONDS.toNanos(cluster.cluster().connectionPool().idleTimeoutMs())
                : engine.idleTimeout().toNanos();
    }

    /** The channel closed: forget it, and free its slot for whoever waits. */
    void closed(UpstreamConnection connection) {
        if (connection.idleTimer != null) {
            connection.idleTimer.cancel(false);
            connection.idleTimer = null;
        }
        var connections = idle.get(connection.address);
        if (connections != null) {
            connections.remove(connection);
            if (connections.isEmpty()) {
                idle.remove(connection.address);
            }
        }
        if (connection.holdsSlot) {
            connection.holdsSlot = false;
            connection.cluster.breaker().releaseConnection();
            engine.slotFreed(connection.cluster.name());
        }
    }

    /**
     * A connection's idle timer: closes it once it has been idle for the whole timeout; otherwise waits for the rest
     * of it (idle) or stops (in use: the next release arms it again).
     */
    private record IdleCheck(UpstreamConnection connection, long timeoutNanos) implements Runnable {
        @Override
        public void run() {
            connection.idleTimer = null;
            if (!connection.idle || !connection.channel.isActive()) {
                return;
            }
            var idleFor = System.nanoTime() - connection.idleSince;
            if (idleFor >= timeoutNanos) {
                connection.channel.close();
            } else {
                connection.idleTimer = connection.channel.eventLoop().schedule(this, timeoutNanos - idleFor, TimeUnit.NANOSECONDS);
            }
        }
    }

    private static final class NewDeque implements java.util.function.Function<InetSocketAddress, ArrayDeque<UpstreamConnection>> {
        static final NewDeque INSTANCE = new NewDeque();

        @Override
        public ArrayDeque<UpstreamConnection> apply(InetSocketAddress address) {
            return new ArrayDeque<>(4);
        }
    }
}
