package dev.sidecarinjector.proxy.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bucket with a fake clock: burst, refill, cap, give-back, and the wait it reports. */
class TokenBucketTest {

    private static final long MS = 1_000_000L;

    @Test
    void startsFullWithOneSecondOfBurstThenRefuses() {
        var bucket = new TokenBucket(5, 0);
        for (var i = 0; i < 5; i++) {
            assertTrue(bucket.tryTake(0), "token " + i);
        }
        assertFalse(bucket.tryTake(0));
        assertEquals(0, bucket.remaining(0));
    }

    @Test
    void refillsAtItsRateAndNoFaster() {
        var bucket = new TokenBucket(10, 0);
        for (var i = 0; i < 10; i++) {
            bucket.tryTake(0);
        }
        assertFalse(bucket.tryTake(99 * MS), "a token takes 100 ms at 10/s");
        assertTrue(bucket.tryTake(100 * MS));
        assertFalse(bucket.tryTake(100 * MS));
        assertTrue(bucket.tryTake(200 * MS));
    }

    @Test
    void neverHoldsMoreThanOneSecondsWorth() {
        var bucket = new TokenBucket(3, 0);
        assertEquals(3, bucket.remaining(60_000 * MS));
        var taken = 0;
        while (bucket.tryTake(60_000 * MS)) {
            taken++;
        }
        assertEquals(3, taken);
    }

    @Test
    void aLongIdleSpellDoesNotOverflow() {
        var bucket = new TokenBucket(1_000_000, 0);
        bucket.tryTake(0);
        assertEquals(1_000_000, bucket.remaining(Long.MAX_VALUE / 2));
    }

    @Test
    void reportsTheWaitForTheNextToken() {
        var bucket = new TokenBucket(4, 0);
        for (var i = 0; i < 4; i++) {
            bucket.tryTake(0);
        }
        assertEquals(250 * MS, bucket.nanosUntilToken(0));
        assertEquals(150 * MS, bucket.nanosUntilToken(100 * MS));
        assertEquals(0, bucket.nanosUntilToken(250 * MS));
    }

    @Test
    void aTokenGivenBackCanBeTakenAgainButNotBeyondCapacity() {
        var bucket = new TokenBucket(1, 0);
        assertTrue(bucket.tryTake(0));
        bucket.giveBack();
        assertTrue(bucket.tryTake(0));
        bucket.giveBack();
        bucket.giveBack();
        assertEquals(1, bucket.remaining(0));
    }

    @Test
    void clockGoingBackwardsAddsNothing() {
        var bucket = new TokenBucket(2, 1_000 * MS);
        bucket.tryTake(1_000 * MS);
        bucket.tryTake(1_000 * MS);
        assertFalse(bucket.tryTake(500 * MS));
    }

    @Test
    void refusesARateThatIsNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 0));
    }
}
