package dev.sidecarinjector.proxy.cluster;

import dev.sidecarinjector.api.snapshot.ConnectionPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster's DestinationRule {@code connectionPool} as Envoy's circuit breakers: counters of active connections,
 * pending requests, active requests and active retries against their limits (0: unlimited). A {@code tryAcquire}
 * that answers false is an overflow: the engine answers 503 with {@code x-envoy-overloaded: true} and flag UO (a
 * refused retry instead passes the last answer on). Every successful acquire is paired with one release. The
 * counters survive snapshot swaps (a new limit applies to the requests already in flight); lock-free.
 */
public final class CircuitBreaker {

    /** The live counts, shared by the breakers of one cluster across snapshot versions. */
    static final class Counters {
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger pending = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger retries = new AtomicInteger();
    }

    private final ConnectionPool limits;
    private final Counters counters;

    public CircuitBreaker(ConnectionPool limits) {
        this(limits, new Counters());
    }

    CircuitBreaker(ConnectionPool limits, Counters counters) {
        this.limits = limits;
        this.counters = counters;
    }

    /** The breaker of the same cluster in a new snapshot: new limits, the same counts. */
    CircuitBreaker withLimits(ConnectionPool newLimits) {
        return new CircuitBreaker(newLimits, counters);
    }

    public ConnectionPool limits() {
        return limits;
    }

    /** Before opening an upstream connection ({@code tcp.maxConnections}); false: queue as pending instead. */
    public boolean tryAcquireConnection() {
        return tryAcquire(counters.connections, limits.maxConnections());
    }

    public void releaseConnection() {
        counters.connections.decrementAndGet();
    }

    /** A request waits for a connection ({@code http1MaxPendingRequests}); false: overflow, 503 UO. */
    public boolean tryAcquirePending() {
        return tryAcquire(counters.pending, limits.http1MaxPendingRequests());
    }

    public void releasePending() {
        counters.pending.decrementAndGet();
    }

    /** A request goes upstream ({@code http2MaxRequests}, Envoy's max_requests for every protocol); false: 503 UO. */
    public boolean tryAcquireRequest() {
        return tryAcquire(counters.requests, limits.http2MaxRequests());
    }

    public void releaseRequest() {
        counters.requests.decrementAndGet();
    }

    /** A retry starts ({@code maxRetries}, concurrent retries of the cluster); false: no retry. */
    public boolean tryAcquireRetry() {
        return tryAcquire(counters.retries, limits.maxRetries());
    }

    public void releaseRetry() {
        counters.retries.decrementAndGet();
    }

    public int activeConnections() {
        return counters.connections.get();
    }

    public int pendingRequests() {
        return counters.pending.get();
    }

    public int activeRequests() {
        return counters.requests.get();
    }

    public int activeRetries() {
        return counters.retries.get();
    }

    private static boolean tryAcquire(AtomicInteger counter, int limit) {
        if (limit == 0) {
            counter.incrementAndGet();
            return true;
        }
        // Increment first and undo on overflow: no CAS loop, and never more than `limit` admitted at once.
        if (counter.incrementAndGet() > limit) {
            counter.decrementAndGet();
            return false;
        }
        return true;
    }
}
