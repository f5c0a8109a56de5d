package dev.sidecarinjector.proxy.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.MtlsMode;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.RateLimit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Linkerd's total / identity / overrides semantics with a fake clock. */
class LocalRateLimiterTest {

    private static final long MS = 1_000_000L;
    private static final String ORDER = "cluster.local/ns/shop/sa/order-service";
    private static final String REFUND = "cluster.local/ns/shop/sa/refund-service";
    private static final String OTHER = "cluster.local/ns/shop/sa/other";

    private static RateLimit limit(int total, int identity, RateLimit.ClientOverride... overrides) {
        return new RateLimit("shop/payment", total, identity, List.of(overrides));
    }

    private static int served(LocalRateLimiter limiter, String identity, String address, int tries, long now) {
        var served = 0;
        for (var i = 0; i < tries; i++) {
            if (limiter.acquire(identity, address, now) == null) {
                served++;
            }
        }
        return served;
    }

    @Test
    void totalLimitsEveryoneTogether() {
        var limiter = new LocalRateLimiter(limit(10, 0), 0);
        assertEquals(6, served(limiter, ORDER, "10.0.0.1", 6, 0));
        assertEquals(4, served(limiter, null, "10.0.0.2", 6, 0));
        var refusal = limiter.acquire(REFUND, "10.0.0.3", 0);
        assertEquals(new LocalRateLimiter.Refusal(LocalRateLimiter.Scope.TOTAL, 10, 0, 1), refusal);
        assertEquals(1, served(limiter, OTHER, "10.0.0.3", 5, 100 * MS), "one token back after 100 ms at 10/s");
    }

    @Test
    void identityGivesEachClientItsOwnBucket() {
        var limiter = new LocalRateLimiter(limit(0, 3), 0);
        assertEquals(3, served(limiter, ORDER, "10.0.0.1", 5, 0));
        assertEquals(3, served(limiter, REFUND, "10.0.0.1", 5, 0), "same address, other identity");
        assertEquals(0, served(limiter, ORDER.replace("cluster.local", "other.domain"), "10.0.0.9", 5, 0),
                "the trust domain is not part of the client: same namespace and account, same bucket");
        var refusal = limiter.acquire(ORDER, "10.0.0.1", 0);
        assertEquals(LocalRateLimiter.Scope.IDENTITY, refusal.scope());
        assertEquals(3, refusal.limit());
    }

    @Test
    void clientsWithoutAnIdentityAreKeyedByAddress() {
        var limiter = new LocalRateLimiter(limit(0, 2), 0);
        assertEquals(2, served(limiter, null, "10.0.0.1", 4, 0));
        assertEquals(2, served(limiter, null, "10.0.0.2", 4, 0));
        assertEquals(2, limiter.clientCount());
    }

    @Test
    void anOverrideReplacesTheIdentityRateForItsClients() {
        var vip = new RateLimit.ClientOverride(5, List.of(new RateLimit.Client("shop", "order-service")));
        var limiter = new LocalRateLimiter(limit(100, 1, vip), 0);
        assertEquals(5, served(limiter, ORDER, "10.0.0.1", 8, 0));
        assertEquals(1, served(limiter, REFUND, "10.0.0.2", 8, 0));
        assertEquals(LocalRateLimiter.Scope.OVERRIDE, limiter.acquire(ORDER, "10.0.0.1", 0).scope());
        assertEquals(LocalRateLimiter.Scope.IDENTITY, limiter.acquire(REFUND, "10.0.0.2", 0).scope());
    }

    @Test
    void aClientRefusedByTheTotalIsNotCharged() {
        var limiter = new LocalRateLimiter(limit(2, 2), 0);
        assertEquals(2, served(limiter, ORDER, "10.0.0.1", 2, 0));
        assertEquals(LocalRateLimiter.Scope.TOTAL, limiter.acquire(REFUND, "10.0.0.2", 0).scope());
        // 500 ms later the total has one token again; refund-service's own bucket was never charged.
        assertNull(limiter.acquire(REFUND, "10.0.0.2", 500 * MS));
    }

    @Test
    void retryAfterIsTheWholeSecondsUntilTheNextToken() {
        var limiter = new LocalRateLimiter(limit(0, 1), 0);
        limiter.acquire(ORDER, "a", 0);
        assertEquals(1, limiter.acquire(ORDER, "a", 0).retryAfterSeconds());
        assertEquals(1, limiter.acquire(ORDER, "a", 999 * MS).retryAfterSeconds(), "never 0");
    }

    @Test
    void keepsAtMostMaxClientsBuckets() {
        var limiter = new LocalRateLimiter(limit(0, 1), 0);
        for (var i = 0; i < LocalRateLimiter.MAX_CLIENTS + 50; i++) {
            limiter.acquire(null, "client-" + i, 0);
        }
        assertEquals(LocalRateLimiter.MAX_CLIENTS, limiter.clientCount());
    }

    @Test
    void readsNamespaceAndAccountOfASpiffeId() {
        assertEquals("ns/shop/sa/order-service", LocalRateLimiter.namespaceAndAccount(ORDER));
        assertEquals("ns/shop/sa/x", LocalRateLimiter.namespaceAndAccount("spiffe://cluster.local/ns/shop/sa/x"));
        assertNull(LocalRateLimiter.namespaceAndAccount("cluster.local/ns/shop"));
        assertNull(LocalRateLimiter.namespaceAndAccount("cluster.local/ns//sa/x"));
        assertNull(LocalRateLimiter.namespaceAndAccount(""), "mutual TLS without a SPIFFE identity");
        assertNull(LocalRateLimiter.namespaceAndAccount("/ns/shop/sa/x"));
    }

    @Test
    void limitersSurviveASnapshotWithTheSameLimitAndAreReplacedWhenItChanges() {
        long[] clock = {0};
        var limiters = new RateLimiters(() -> clock[0]);
        var port = new InboundPort(8080, Protocol.HTTP, List.of(), MtlsMode.PERMISSIVE, limit(1, 0));
        var first = limiters.forPort(port);
        assertNotNull(first);
        assertNull(first.acquire(ORDER, "a", 0));
        var samePolicyNewSnapshot = new InboundPort(8080, Protocol.HTTP, List.of(), MtlsMode.STRICT, limit(1, 0));
        assertSame(first, limiters.forPort(samePolicyNewSnapshot));
        assertNotNull(limiters.forPort(samePolicyNewSnapshot).acquire(ORDER, "a", 0), "the bucket was kept: still empty");
        var changed = new InboundPort(8080, Protocol.HTTP, List.of(), MtlsMode.STRICT, limit(5, 0));
        assertNotSame(first, limiters.forPort(changed));
        assertNull(limiters.forPort(new InboundPort(8080, Protocol.HTTP, List.of())));
    }
}
