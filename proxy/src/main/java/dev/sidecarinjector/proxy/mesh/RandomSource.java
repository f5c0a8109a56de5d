package dev.sidecarinjector.proxy.mesh;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The randomness behind the proxy's traffic decisions (weighted destinations, load balancing, faults, retry
 * back-off): the thread's own generator in production, a seeded one in tests so that a split can be asserted.
 */
public interface RandomSource {

    /** A uniformly distributed int in [0, bound); bound is positive. */
    int nextInt(int bound);

    /** A uniformly distributed double in [0, 1). */
    double nextDouble();

    /** The event loop's {@link ThreadLocalRandom}: no contention between loops. */
    RandomSource THREAD_LOCAL = new ThreadLocalSource();

    /** A reproducible source; not thread-safe on its own terms (java.util.Random is, but contends). */
    static RandomSource seeded(long seed) {
        return new SeededSource(new Random(seed));
    }

    /** Named classes, not lambdas: see docs/proxy.md "why named classes". */
    final class ThreadLocalSource implements RandomSource {
        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public double nextDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }
    }

    final class SeededSource implements RandomSource {
        private final Random random;

        SeededSource(Random random) {
            this.random = random;
        }

        @Override
        public int nextInt(int bound) {
            return random.nextInt(bound);
        }

        @Override
        public double nextDouble() {
            return random.nextDouble();
        }
    }
}
