package dev.sidecarinjector.proxy.ratelimit;

/**
 * A token bucket of {@code rate} tokens a second holding at most {@code rate} (one second's burst), full at first.
 * A request takes one token or is refused; {@link #giveBack()} returns a token taken for a request another limit
 * refused. Times are the caller's nanosecond clock. Thread-safe: the event loops of one proxy share a bucket.
 */
final class TokenBucket {

    private static final long SECOND = 1_000_000_000L;

    private final int rate;
    /** Tokens in the bucket, in billionths of a token (one token = {@link #SECOND}), so refills are exact integers. */
    private long nanoTokens;
    private long refilledAt;

    TokenBucket(int rate, long now) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + rate);
        }
        this.rate = rate;
        this.nanoTokens = capacity();
        this.refilledAt = now;
    }

    int rate() {
        return rate;
    }

    private long capacity() {
        return rate * SECOND;
    }

    private void refill(long now) {
        var elapsed = now - refilledAt;
        if (elapsed <= 0) {
            return;
        }
        refilledAt = now;
        // rate * elapsed overflows past ~9 s at a million a second: a bucket idle that long is full anyway.
        nanoTokens = elapsed >= SECOND ? capacity() : Math.min(capacity(), nanoTokens + rate * elapsed);
    }

    /** Takes a token when one is there. */
    synchronized boolean tryTake(long now) {
        refill(now);
        if (nanoTokens < SECOND) {
            return false;
        }
        nanoTokens -= SECOND;
        return true;
    }

    synchronized void giveBack() {
        nanoTokens = Math.min(capacity(), nanoTokens + SECOND);
    }

    /** Whole tokens left. */
    synchronized int remaining(long now) {
        refill(now);
        return (int) (nanoTokens / SECOND);
    }

    /** Nanoseconds until a token is there (0 when one is). */
    synchronized long nanosUntilToken(long now) {
        refill(now);
        var missing = SECOND - nanoTokens;
        return missing <= 0 ? 0 : (missing + rate - 1) / rate;
    }

    /** When the bucket was last used: idle client buckets are dropped. */
    synchronized long lastUsed() {
        return refilledAt;
    }
}
