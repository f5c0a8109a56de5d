package dev.sidecarinjector.proxy.config;

import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: 100 ms doubling to 15 s, each drawn between half and all of the step ("equal jitter"), so a
 * control-plane restart is not met by every proxy at the same instant. Reset once a connection delivers a snapshot.
 */
public final class Backoff {

    static final long FIRST_MILLIS = 100;
    static final long MAX_MILLIS = 15_000;

    private final DoubleSupplier random;
    private long step = FIRST_MILLIS;

    public Backoff(DoubleSupplier random) {
        this.random = random;
    }

    /** The next delay in milliseconds, and the step doubled for the one after. */
    public long next() {
        var delay = step / 2 + (long) (random.getAsDouble() * (step - step / 2));
        step = Math.min(step * 2, MAX_MILLIS);
        return delay;
    }

    public void reset() {
        step = FIRST_MILLIS;
    }
}
