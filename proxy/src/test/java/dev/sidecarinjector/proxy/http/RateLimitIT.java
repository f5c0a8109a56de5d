package dev.sidecarinjector.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.run.DestinationResolver;
import dev.sidecarinjector.proxy.run.ProxySettings;
import dev.sidecarinjector.proxy.run.SidecarProxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An inbound HTTP port's local rate limit through the real proxy on loopback, in plaintext (so clients are keyed by
 * address): over the limit a request is answered 429 with Envoy's body and the rate limit headers, never reaches the
 * app, and is counted; a snapshot with the same limit keeps the bucket; a limit removed stops limiting.
 * The limit is 1 a second: of a burst of 5 on loopback (milliseconds), the first is served and, unless the machine
 * stalls for a second, the rest refused; the checks allow one refilled token.
 */
class RateLimitIT {

    private final SnapshotHolder holder = new SnapshotHolder();
    private TestUpstream app;
    private SidecarProxy proxy;
    private int version;

    @BeforeEach
    void start() throws Exception {
        app = new TestUpstream("app");
        var settings = new ProxySettings(0, 0, 0, 0, Duration.ofSeconds(1), false, 2000, Duration.ofSeconds(2), 100_000, 0);
        var destination = new InetSocketAddress(InetAddress.getLoopbackAddress(), app.port());
        DestinationResolver resolver = accepted -> destination;
        proxy = new SidecarProxy(settings, resolver, holder).start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    /** The workload's snapshot with {@code rateLimit} (JSON, or null) on the app's port. */
    private void rateLimit(String rateLimit) {
        holder.swap(Snapshot.fromJson("""
                {"version": "v%d", "workload": {"namespace": "shop", "name": "payment"},
                 "inbound": [{"port": %d, "protocol": "HTTP", "services": [{"host": "payment.shop.svc.cluster.local", "name": "payment", "namespace": "shop"}]%s}]}"""
                .formatted(++version, app.port(), rateLimit == null ? "" : ", \"rateLimit\": " + rateLimit)));
    }

    @Test
    void overTheLimitIs429WithItsHeadersAndNeverReachesTheApp() throws Exception {
        rateLimit("""
                {"policy": "shop/payment-limit", "identityRps": 1}""");
        var ok = 0;
        RawHttp.Response refused = null;
        try (var client = new RawHttp(proxy.inboundPort())) {
            for (var i = 0; i < 5; i++) {
                var response = client.get("/api/v1/charge");
                if (response.status() == 200) {
                    ok++;
                } else {
                    refused = response;
                }
            }
            assertTrue(ok >= 1 && ok <= 2, "a full bucket of 1, and at most one token refilled meanwhile: " + ok);
            assertEquals(429, refused.status());
            assertEquals("local_rate_limited", refused.body());
            assertEquals("1", refused.header("x-ratelimit-limit"));
            assertEquals("0", refused.header("x-ratelimit-remaining"));
            assertEquals("1", refused.header("retry-after"));
            assertEquals(ok, app.requests.get(), "refused requests never reach the app");

            // The same limit in a new snapshot keeps the empty bucket: no fresh burst for a configuration push.
            rateLimit("""
                    {"policy": "shop/payment-limit", "identityRps": 1}""");
            var afterPush = client.get("/api/v1/charge").status();
            // Without a limit, nothing is refused.
            rateLimit(null);
            for (var i = 0; i < 10; i++) {
                assertEquals(200, client.get("/api/v1/charge").status(), "request " + i + " with no limit");
            }
            var limited = 5 - ok + (afterPush == 429 ? 1 : 0);
            var metrics = proxy.metrics().istio().rateLimits();
            assertEquals(limited, metrics.count("shop/payment-limit", "identity"));
            var text = proxy.metrics().prometheusText();
            assertTrue(text.contains("envoy_http_local_rate_limit_rate_limited{policy=\"shop/payment-limit\",scope=\"identity\"} " + limited + "\n"), text);
            assertTrue(text.matches("(?s).*istio_requests_total\\{reporter=\"destination\",[^}]*response_code=\"429\"[^}]*response_flags=\"RL\"[^}]*} "
                    + limited + "\n.*"), text);
        }
    }

    @Test
    void theTotalLimitIsSharedByEveryClient() throws Exception {
        rateLimit("""
                {"policy": "shop/total", "totalRps": 1}""");
        var statuses = new StringBuilder();
        for (var i = 0; i < 4; i++) {
            try (var client = new RawHttp(proxy.inboundPort())) {
                statuses.append(client.get("/").status()).append(' ');
            }
        }
        var refused = statuses.toString().split("429", -1).length - 1;
        assertTrue(refused >= 2, "four connections share the total of 1 a second: " + statuses);
        assertEquals(refused, proxy.metrics().istio().rateLimits().count("shop/total", "total"));
    }
}
