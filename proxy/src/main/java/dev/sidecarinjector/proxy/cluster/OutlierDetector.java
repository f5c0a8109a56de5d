package dev.sidecarinjector.proxy.cluster;

import dev.sidecarinjector.api.snapshot.OutlierDetection;

/**
 * DestinationRule {@code outlierDetection} for one cluster, as Envoy runs it with Istio's settings (local errors
 * not split from the upstream's): every try's outcome feeds the endpoint's consecutive counters; reaching
 * {@code consecutive5xxErrors} (any 5xx, and connect failures, resets and timeouts, which Envoy counts as 503/504)
 * or {@code consecutiveGatewayErrors} (502, 503, 504 and those same local failures) ejects it at once for
 * {@code baseEjectionTime} times its ejection multiplier (capped at Envoy's 300 s), unless that would eject more
 * than {@code maxEjectionPercent} of the endpoints (one is always allowed while the percentage is above 0) or
 * fewer than {@code minHealthPercent} are healthy already. A success resets the counters. {@link #tick} (every
 * {@code intervalMs}) returns ejected endpoints whose time has passed and lowers the multiplier of healthy ones.
 * Time is passed in (milliseconds of any monotonic clock), so tests drive it.
 */
public final class OutlierDetector {

    /** Envoy's default max_ejection_time: an ejection never lasts longer (unless the base time is longer). */
    static final long MAX_EJECTION_TIME_MS = 300_000;

    private final OutlierDetection config;
    private final EndpointState[] states;

    public OutlierDetector(OutlierDetection config, EndpointState[] states) {
        this.config = config;
        this.states = states;
    }

    public OutlierDetection config() {
        return config;
    }

    /** How often the engine calls {@link #tick}. */
    public long intervalMs() {
        return config.intervalMs();
    }

    /** A response came back from the endpoint with {@code status}. */
    public void onResponse(EndpointState state, int status, long nowMs) {
        if (status < 500) {
            state.consecutive5xx.set(0);
            state.consecutiveGatewayErrors.set(0);
            return;
        }
        record(state, status == 502 || status == 503 || status == 504, nowMs);
    }

    /** The try failed locally: connect failure, reset, or timeout (Envoy maps these to 503 and 504). */
    public void onLocalFailure(EndpointState state, long nowMs) {
        record(state, true, nowMs);
    }

    private void record(EndpointState state, boolean gatewayError, long nowMs) {
        var fiveXx = state.consecutive5xx.incrementAndGet();
        var gateway = gatewayError ? state.consecutiveGatewayErrors.incrementAndGet() : 0;
        if (!gatewayError) {
            state.consecutiveGatewayErrors.set(0);
        }
        var limit5xx = config.consecutive5xxErrors();
        var limitGateway = config.consecutiveGatewayErrors();
        if ((limit5xx > 0 && fiveXx >= limit5xx) || (limitGateway > 0 && gateway >= limitGateway)) {
            // Counted again from zero whether or not the ejection is allowed: the next run of errors tries again.
            state.consecutive5xx.set(0);
            state.consecutiveGatewayErrors.set(0);
            tryEject(state, nowMs);
        }
    }

    private synchronized void tryEject(EndpointState state, long nowMs) {
        if (state.ejected) {
            return;
        }
        var ejected = 0;
        for (var other : states) {
            if (other.ejected) {
                ejected++;
            }
        }
        var total = states.length;
        if ((total - ejected) * 100L < (long) config.minHealthPercent() * total) {
            return;
        }
        var percent = config.maxEjectionPercent();
        var allowed = percent == 0 ? 0 : Math.max(1, total * percent / 100);
        if (ejected >= allowed) {
            return;
        }
        var multiplier = state.ejectionMultiplier + 1;
        state.ejectionMultiplier = multiplier;
        state.timesEjected++;
        var base = config.baseEjectionTimeMs();
        state.ejectedUntilMs = nowMs + Math.min(base * multiplier, Math.max(MAX_EJECTION_TIME_MS, base));
        state.ejected = true;
    }

    private long lastTickMs = Long.MIN_VALUE;

    /** Called often (every 100 ms): runs {@link #tick} once per {@code interval}. */
    public void maybeTick(long nowMs) {
        if (lastTickMs == Long.MIN_VALUE) {
            lastTickMs = nowMs;
        } else if (nowMs - lastTickMs >= config.intervalMs()) {
            lastTickMs = nowMs;
            tick(nowMs);
        }
    }

    /** The interval timer: returns the endpoints whose ejection time passed; healthy ones lower their multiplier. */
    public synchronized void tick(long nowMs) {
        for (var state : states) {
            if (state.ejected) {
                if (nowMs >= state.ejectedUntilMs) {
                    state.consecutive5xx.set(0);
                    state.consecutiveGatewayErrors.set(0);
                    state.ejected = false;
                }
            } else if (state.ejectionMultiplier > 0) {
                state.ejectionMultiplier--;
            }
        }
    }
}
