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

    /** Keeps a limiter with the same limit, else takes the new one (a named class, not a lambda). */
    private static final class Replace implements java.util.function.BiFunction<LocalRateLimiter, LocalRateLimiter, LocalRateLimiter> {
        static final Replace INSTANCE = new Replace();

        @Override
        public LocalRateLimiter apply(LocalRateLimiter old, LocalRateLimiter fresh) {
            return old.spec().equals(fresh.spec()) ? old : fresh;
        }
    }

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
        var fresh = new LocalRateLimiter(spec, now());
        // Two loops seeing the new limit at once: the first one's limiter stays, the other's is dropped unused.
        return byPort.merge(port.port(), fresh, Replace.INSTANCE);
    }
}
