package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The render cache is bounded by the bytes it holds, whatever the size of the template data. */
class RenderCacheTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static JsonNode tree(String image) {
        return NODES.objectNode().put("name", "sidecar-proxy").put("image", image);
    }

    @Test
    void holdsNoMoreBytesThanItsLimitAndDropsTheLeastRecentlyUsedFirst() {
        var cache = new RenderCache(new RenderCacheLimits(200_000, 64_000));
        var renders = new AtomicInteger();
        for (var i = 0; i < 100; i++) {
            var image = i + "x".repeat(5_000);
            cache.get(List.of("proxy", Map.of("image", image)), () -> {
                renders.incrementAndGet();
                return tree(image);
            });
            assertTrue(cache.bytes() <= 200_000, "after " + (i + 1) + " entries the cache holds " + cache.bytes() + " bytes");
        }
        assertEquals(100, renders.get());
        assertTrue(cache.size() > 5 && cache.size() < 100, "entries kept: " + cache.size());
        var newest = 99 + "x".repeat(5_000);
        cache.get(List.of("proxy", Map.of("image", newest)), () -> {
            throw new AssertionError("the newest entry was dropped");
        });
        var oldest = 0 + "x".repeat(5_000);
        cache.get(List.of("proxy", Map.of("image", oldest)), () -> {
            renders.incrementAndGet();
            return tree(oldest);
        });
        assertEquals(101, renders.get(), "the oldest entry must have been dropped");
    }

    @Test
    void oversizedTemplateDataIsRenderedEveryTimeAndNeverKept() {
        var cache = new RenderCache(new RenderCacheLimits(8 << 20, 64 << 10));
        var image = "r.example/" + "a".repeat(1 << 20);
        var first = cache.get(List.of("proxy", Map.of("image", image)), () -> tree(image));
        var second = cache.get(List.of("proxy", Map.of("image", image)), () -> tree(image));
        assertEquals(first, second);
        assertEquals(0, cache.bytes());
        assertEquals(0, cache.size());
    }

    @Test
    void oversizedRenderedContainerIsNotKept() {
        var cache = new RenderCache(new RenderCacheLimits(8 << 20, 64 << 10));
        cache.get(List.of("proxy", Map.of("image", "small")), () -> tree("x".repeat(100_000)));
        assertEquals(0, cache.size());
    }

    @Test
    void aHitReturnsTheKeptTree() {
        var cache = new RenderCache(RenderCacheLimits.DEFAULT);
        var kept = cache.get(List.of("proxy", Map.of("image", "a")), () -> tree("a"));
        assertSame(kept, cache.get(List.of("proxy", Map.of("image", "a")), () -> tree("a")));
        assertTrue(cache.bytes() > 0);
    }

    @Test
    void distinctLargeTemplateInputsKeepTheTemplatesCacheWithinItsLimit() {
        var templates = SidecarTemplates.builtIn();
        var settings = TestSettings.defaults();
        var largest = 0L;
        for (var i = 0; i < 40; i++) {
            var cidrs = new StringBuilder();
            for (var n = 0; n < 5_000; n++) {
                cidrs.append(cidrs.isEmpty() ? "" : ",").append(i + 1).append('.').append(n / 250).append('.').append(n % 250).append(".0/24");
            }
            var spec = PodOverrides.read(Map.of(Annotations.EXCLUDE_OUTBOUND_IP_RANGES, cidrs.toString()), settings);
            var data = SidecarRenderer.TemplateData.of(spec, settings);
            templates.renderProxy(data);
            templates.renderInit(data);
            largest = Math.max(largest, templates.renderCacheBytes());
        }
        assertTrue(largest <= RenderCacheLimits.DEFAULT.maxBytes(), "the render cache reached " + largest + " bytes");
    }

    @Test
    void thePodBeforesSidecarIsReusedForAnEqualSpecAndTheSameSettings() {
        var templates = SidecarTemplates.builtIn();
        var settings = TestSettings.defaults();
        var first = templates.renderSidecar(PodOverrides.read(Map.of(), settings), settings);
        assertNotNull(first.init(), "iptables interception renders the init container");
        assertSame(first, templates.renderSidecar(PodOverrides.read(Map.of(), settings), settings), "an equal spec, parsed again");
        var other = templates.renderSidecar(PodOverrides.read(Map.of(Annotations.PROXY_IMAGE, "example.com/proxy:2"), settings), settings);
        assertEquals("example.com/proxy:2", other.proxy().container().getImage());
        var again = templates.renderSidecar(PodOverrides.read(Map.of(), settings), settings);
        assertNotSame(first, again);
        assertSame(first.proxy(), again.proxy(), "from the render cache");
        var otherSettings = TestSettings.defaults();
        assertNotSame(again, templates.renderSidecar(PodOverrides.read(Map.of(), otherSettings), otherSettings), "settings are compared by identity");
    }
}
