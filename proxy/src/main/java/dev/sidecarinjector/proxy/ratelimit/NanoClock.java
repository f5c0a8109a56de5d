package dev.sidecarinjector.proxy.ratelimit;

import java.util.function.LongSupplier;

/** {@link System#nanoTime()} as the buckets' clock; a named class, not a lambda (docs/proxy.md: no generated classes). */
public final class NanoClock implements LongSupplier {

    public static final NanoClock INSTANCE = new NanoClock();

    private NanoClock() {
    }

    @Override
    public long getAsLong() {
        return System.nanoTime();
    }
}
