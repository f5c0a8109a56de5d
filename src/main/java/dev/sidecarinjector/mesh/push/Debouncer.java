package dev.sidecarinjector.mesh.push;

import java.time.Duration;

/**
 * Istio's push debounce as a pure state machine over a nanosecond clock: a burst of changes fires once it has
 * been quiet for {@code quiet}, or {@code max} after its first change, whichever comes first. Not thread-safe:
 * the push executor owns it.
 */
final class Debouncer {

    private final long quiet;
    private final long max;
    private boolean pending;
    private long first;
    private long last;

    Debouncer(Duration quiet, Duration max) {
        this.quiet = quiet.toNanos();
        this.max = Math.max(max.toNanos(), this.quiet);
    }

    /** A change at {@code now}. */
    void changed(long now) {
        if (!pending) {
            pending = true;
            first = now;
        }
        last = now;
    }

    /** When the pending burst fires, in the clock's nanoseconds; only meaningful while {@link #pending()}. */
    long deadline() {
        return Math.min(last + quiet, first + max);
    }

    boolean pending() {
        return pending;
    }

    /** True, once, when a pending burst is due at {@code now}. */
    boolean fire(long now) {
        if (!pending || now - deadline() < 0) {
            return false;
        }
        pending = false;
        return true;
    }
}
