package dev.sidecarinjector.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sidecarinjector.api.snapshot.Rewrite;
import org.junit.jupiter.api.Test;

class RegexPathRewriteTest {

    @Test
    void groupsMoveAndTheQueryStaysAsEnvoysRegexRewrite() {
        // Istio's documentation's example: /service/foo/v1/api becomes /v1/api/instance/foo.
        var rewrite = RegexPathRewrite.of(new Rewrite(null, null, "^/service/([^/]+)(/.*)$", "\\2/instance/\\1"));
        assertEquals("/v1/api/instance/foo?x=1&y", rewrite.rewrite(line("/service/foo/v1/api?x=1&y")));
        assertEquals("/other", rewrite.rewrite(line("/other")), "a path the regex does not match stays");
        var every = RegexPathRewrite.of(new Rewrite(null, null, "a", "b"));
        assertEquals("/bbc?a", every.rewrite(line("/abc?a")), "the query is not rewritten");
        assertEquals("/bbb", every.rewrite(line("/aab")), "every match is replaced, not the first");
        assertNull(RegexPathRewrite.of(new Rewrite("/x", null)));
    }

    @Test
    void theSubstitutionsBackslashesAndDollarsAreLiteral() {
        assertEquals("$1-\\\\-\\$", RegexPathRewrite.replacement("\\1-\\\\-$"));
        var rewrite = RegexPathRewrite.of(new Rewrite(null, null, "^/(a)$", "/$\\1\\\\\\0"));
        assertEquals("/$a\\/a", rewrite.rewrite(line("/a")));
    }

    private static HttpRequestLine line(String target) {
        return HttpRequestLine.of("GET", target, "reviews", "http", 9080);
    }
}
