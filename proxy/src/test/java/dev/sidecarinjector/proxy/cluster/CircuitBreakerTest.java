package dev.sidecarinjector.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.ConnectionPool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private static final ConnectionPool LIMITS = new ConnectionPool(2, 1_000, 1, 3, 0, 1, 0);

    @Test
    void eachCounterOverflowsAtItsLimitAndARelaseMakesRoom() {
        var breaker = new CircuitBreaker(LIMITS);
        assertTrue(breaker.tryAcquireConnection());
        assertTrue(breaker.tryAcquireConnection());
        assertFalse(breaker.tryAcquireConnection(), "maxConnections 2");
        assertTrue(breaker.tryAcquirePending());
        assertFalse(breaker.tryAcquirePending(), "http1MaxPendingRequests 1");
        for (var i = 0; i < 3; i++) {
            assertTrue(breaker.tryAcquireRequest());
        }
        assertFalse(breaker.tryAcquireRequest(), "http2MaxRequests 3");
        assertTrue(breaker.tryAcquireRetry());
        assertFalse(breaker.tryAcquireRetry(), "maxRetries 1");
        assertEquals(2, breaker.activeConnections());
        assertEquals(3, breaker.activeRequests());
        breaker.releaseConnection();
        breaker.releasePending();
        breaker.releaseRequest();
        breaker.releaseRetry();
        assertTrue(breaker.tryAcquireConnection());
        assertTrue(breaker.tryAcquirePending());
        assertTrue(breaker.tryAcquireRequest());
        assertTrue(breaker.tryAcquireRetry());
    }

    @Test
    void zeroIsUnlimited() {
        var breaker = new CircuitBreaker(ConnectionPool.DEFAULT);
        for (var i = 0; i < 10_000; i++) {
            assertTrue(breaker.tryAcquireConnection() && breaker.tryAcquirePending() && breaker.tryAcquireRequest() && breaker.tryAcquireRetry());
        }
        assertEquals(10_000, breaker.activeRetries());
    }

    @Test
    void countsCarryOverToNewLimits() {
        var breaker = new CircuitBreaker(LIMITS);
        breaker.tryAcquireRequest();
        breaker.tryAcquireRequest();
        var next = breaker.withLimits(new ConnectionPool(0, 1_000, 0, 2, 0, 0, 0));
        assertEquals(2, next.activeRequests());
        assertFalse(next.tryAcquireRequest(), "the requests in flight count against the new limit");
    }

    @Test
    void concurrentAcquiresNeverAdmitMoreThanTheLimit() throws Exception {
        var breaker = new CircuitBreaker(new ConnectionPool(0, 1_000, 0, 5, 0, 0, 0));
        var admitted = new AtomicInteger();
        var most = new AtomicInteger();
        var threads = 4;
        var done = new CountDownLatch(threads);
        for (var t = 0; t < threads; t++) {
            Thread.ofPlatform().start(() -> {
                for (var i = 0; i < 20_000; i++) {
                    if (breaker.tryAcquireRequest()) {
                        most.accumulateAndGet(admitted.incrementAndGet(), Math::max);
                        admitted.decrementAndGet();
                        breaker.releaseRequest();
                    }
                }
                done.countDown();
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        assertTrue(most.get() <= 5, "admitted at once: " + most.get());
        assertEquals(0, breaker.activeRequests());
    }
}
