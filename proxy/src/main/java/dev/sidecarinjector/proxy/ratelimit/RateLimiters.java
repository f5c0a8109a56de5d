package dev.sidecarinjector.proxy.ratelimit;

import dev.sidecarinjector.api.snapshot.InboundPort;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The limiters of the proxy's inbound ports, kept across snapshots: a new snapshot with the same limit on a port
 * keeps that port's buckets (a configuration push does not hand every client a fresh second of burst); a changed
 * limit starts new ones.
 */
public final class RateLimiters {

    private final LongSupplier clock;
    private final ConcurrentHashMap<Integer, LocalRateLimiter> byPort = new ConcurrentHashMap<>();

    public RateLimiters(LongSupplier clock) {
        this.clock = clock;
    }

    public long now() {
        return clock.getAsLong();
    }

    /** The limiter of {@code port} as the snapshot in force has it, or null when the port has no limit. */
    public LocalRateLimiter forPort(InboundPort port) {
        var spec = port == null ? null : port.rateLimit();
        if (spec == null) {
            return null;
        }
        var limiter = byPort.get(port.port());
        if (limiter != null && (limiter.spec() == spec || limiter.spec().equals(spec))) {
            return limiter;
        }
        return byPort.compute(port.port(), (key, old) -> old != null && old.spec().equals(spec) ? old : new LocalRateLimiter(spec, now()));
    }
}
