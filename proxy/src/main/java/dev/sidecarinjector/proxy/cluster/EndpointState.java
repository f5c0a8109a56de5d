package dev.sidecarinjector.proxy.cluster;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime state of one endpoint ({@code address:port}) of a cluster: its active requests (for LEAST_REQUEST and
 * {@code /clusters}) and its outlier-detection state. Kept across snapshot swaps while the endpoint stays in its
 * cluster, so an update of the configuration neither forgets an ejection nor resets the counters.
 */
public final class EndpointState {

    final AtomicInteger activeRequests = new AtomicInteger();
    final AtomicInteger consecutive5xx = new AtomicInteger();
    final AtomicInteger consecutiveGatewayErrors = new AtomicInteger();
    // Written under the OutlierDetector's lock (rare), read by every pick: volatile.
    volatile boolean ejected;
    volatile long ejectedUntilMs;
    volatile int ejectionMultiplier;
    volatile int timesEjected;

    /** A request to this endpoint starts: call {@link #requestEnded()} exactly once when it ends. */
    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    public void requestEnded() {
        activeRequests.decrementAndGet();
    }

    public int activeRequests() {
        return activeRequests.get();
    }

    public boolean ejected() {
        return ejected;
    }

    /** How many times outlier detection ejected this endpoint since it joined the cluster. */
    public int timesEjected() {
        return timesEjected;
    }
}
