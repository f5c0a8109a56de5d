package dev.sidecarinjector.proxy.retry;

import dev.sidecarinjector.proxy.mesh.RandomSource;

/**
 * Envoy's back-off between retries: fully jittered exponential, base 25 ms, at most 250 ms (ten times the base):
 * before retry {@code n} (1 for the first) a random delay in [0, (2^n - 1) × 25 ms), capped at 250 ms.
 */
public final class RetryBackoff {

    public static final long BASE_MS = 25;
    public static final long MAX_MS = 10 * BASE_MS;

    private RetryBackoff() {
    }

    public static long delayMs(int retry, RandomSource random) {
        retry = Math.max(1, retry);
        var upper = retry >= 5 ? MAX_MS : Math.min(((1L << retry) - 1) * BASE_MS, MAX_MS);
        return random.nextInt((int) upper);
    }
}
