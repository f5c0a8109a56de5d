package dev.sidecarinjector.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sidecarinjector.inject.Annotations;
import dev.sidecarinjector.inject.RenderCacheLimits;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.Reviews;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Many reviews whose template data differs in a large override value: the render cache, which keys on that
 * data, stays within its byte limit, every review is still answered, and readiness says what it measures.
 */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class LargeTemplateInputsIT {

    private final WebhookClient webhook = new WebhookClient();

    @Test
    void distinctLargeOverridesKeepTheRenderCacheWithinItsLimit() throws Exception {
        var limit = RenderCacheLimits.DEFAULT.maxBytes();
        var largestCache = 0L;
        var largestValue = 0;
        var reviews = 0;
        // 30 values too heavy to be kept (5,000 CIDRs, ~70 KB), then 300 that fit (250 CIDRs) and fill the cache.
        for (var phase : new int[][] {{30, 5_000}, {300, 250}}) {
            for (var i = 0; i < phase[0]; i++) {
                var value = cidrs(reviews, phase[1]);
                largestValue = Math.max(largestValue, value.length());
                var review = Reviews.podCreate("demo", Map.of("app", "web"), Map.of(Annotations.EXCLUDE_OUTBOUND_IP_RANGES, value));
                var reply = webhook.post("/inject", Reviews.bytes(review));
                assertEquals(200, reply.status());
                assertTrue(reply.body().at("/response/allowed").asBoolean(), () -> reply.body().toString());
                assertTrue(reply.body().at("/response/patch").isTextual(), "injected");
                reviews++;
                if (i % 10 == 9) {
                    largestCache = Math.max(largestCache, renderCacheBytes());
                    assertTrue(largestCache <= limit, "the render cache holds " + largestCache + " bytes, over its " + limit);
                }
            }
        }
        var cacheAtEnd = renderCacheBytes();
        assertTrue(cacheAtEnd <= limit && cacheAtEnd > limit / 2, "the render cache holds " + cacheAtEnd + " bytes after filling");
        var ready = webhook.get("/q/health/ready");
        assertEquals(200, ready.status(), ready.body().toString());
        var memory = check(ready.body(), "memory");
        assertEquals("UP", memory.path("status").asText());
        assertTrue(webhook.post("/inject", Reviews.bytes(Reviews.podCreate("demo"))).body().at("/response/allowed").asBoolean());
        ReliabilityLog.record("LargeTemplateInputsIT.distinctLargeOverridesKeepTheRenderCacheWithinItsLimit",
                reviews + " reviews each with a distinct excludeOutboundIPRanges: 30 of 5,000 CIDRs (too heavy to keep), then 300 of 250",
                "every one injected; the render cache (keyed on template data) never over its byte limit; readiness UP with the heap measured",
                "reviews", reviews, "largest value chars", largestValue, "render cache limit bytes", limit,
                "largest render cache seen bytes", largestCache, "heap after GC %", memory.at("/data/heapAfterGcPercent").asText());
    }

    private long renderCacheBytes() throws Exception {
        return check(webhook.get("/q/health/ready").body(), "templates").at("/data/renderCacheBytes").asLong(-1);
    }

    private static JsonNode check(JsonNode health, String name) {
        for (var check : health.path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no readiness check " + name + " in " + health);
    }

    /** {@code count} distinct /24 ranges, different for every {@code seed}. */
    private static String cidrs(int seed, int count) {
        var text = new StringBuilder();
        for (var n = 0; n < count; n++) {
            var block = seed * count + n;
            text.append(text.isEmpty() ? "" : ",").append(1 + block / 62_500).append('.').append(block / 250 % 250).append('.').append(block % 250).append(".0/24");
        }
        return text.toString();
    }
}
