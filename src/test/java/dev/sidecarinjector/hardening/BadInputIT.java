package dev.sidecarinjector.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.Annotations;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * Every bad body gets a 4xx with a message, or a clean AdmissionResponse (uid echoed, a message when refused):
 * never a 5xx, never a hang, and the server answers health checks afterwards.
 */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class BadInputIT {

    /** Longer than any message naming a field, a shortened value and the problem. */
    private static final int MAX_MESSAGE = 1_000;

    private final WebhookClient webhook = new WebhookClient();

    @Test
    void everyBadInputGetsACleanAnswer() throws Exception {
        var corpus = BadInputCorpus.all();
        assertTrue(corpus.size() >= 200, "corpus has only " + corpus.size() + " cases");
        var problems = new ArrayList<String>();
        var statuses = new java.util.TreeMap<Integer, Integer>();
        for (var input : corpus) {
            var reply = webhook.post("/inject", input.body(), input.body().length > 1_000_000);
            var body = reply.body();
            statuses.merge(reply.status(), 1, Integer::sum);
            if (reply.status() >= 400 && reply.status() < 500) {
                if (reply.status() == 400 && body.path("error").asText().isBlank()) {
                    problems.add(input.name() + ": 400 without an error message");
                }
            } else if (reply.status() == 200) {
                var response = body.path("response");
                if (response.path("uid").asText().isEmpty() || !response.path("allowed").isBoolean()) {
                    problems.add(input.name() + ": 200 without a well-formed response: " + abbreviate(body.toString()));
                } else if (!response.path("allowed").asBoolean()) {
                    var message = response.at("/status/message").asText();
                    if (message.isBlank()) {
                        problems.add(input.name() + ": refused without a message");
                    } else if (message.contains("could not process this pod") || message.contains("template")) {
                        // Bad input is the user's to fix: it must be named as such, not blamed on the injector.
                        problems.add(input.name() + ": refused as an internal or template error: " + abbreviate(message));
                    } else if (message.length() > MAX_MESSAGE) {
                        problems.add(input.name() + ": a refusal of " + message.length() + " characters: " + abbreviate(message));
                    }
                }
            } else {
                problems.add(input.name() + ": HTTP " + reply.status() + " " + abbreviate(body.toString()));
            }
        }
        assertEquals("", String.join("\n", problems), problems.size() + " of " + corpus.size() + " cases misbehaved");
        assertEquals(200, webhook.get("/q/health/ready").status());
        ReliabilityLog.record("BadInputIT.everyBadInputGetsACleanAnswer",
                corpus.size() + " bad AdmissionReview bodies: truncated, every field of the wrong JSON type, bad annotation values (quantities of"
                        + " 500,000 digits or exponent 1e99999999999; image references with quotes, $(...), U+FFFF or 1 MB; proxy.istio.io/config"
                        + " with a repeated key or a list for a boolean), huge, deeply nested, invalid UTF-8",
                "a 4xx with a message or an AdmissionResponse that echoes the uid (with a message when refused); never a 5xx; bad input never"
                        + " refused as an internal or template error, nor with a message over " + MAX_MESSAGE + " characters; ready afterwards",
                "cases", corpus.size(), "answers by HTTP status", statuses.toString());
    }

    /**
     * A quantity of millions of digits in a body under the 4 MB limit, several at once: BigDecimal on the raw
     * string took 11 s of CPU for 500,000 digits (quadratic), so each of these took minutes and every core, and
     * the client got a false 408. Each is now denied as soon as its length is seen, naming the annotation.
     */
    @Test
    void hugeQuantitiesAreDeniedPromptlyNamingTheAnnotation() throws Exception {
        var annotations = java.util.List.of(Annotations.PROXY_CPU, Annotations.PROXY_MEMORY, Annotations.PROXY_CPU_LIMIT, Annotations.PROXY_MEMORY_LIMIT);
        var digits = 3_000_000;
        var started = System.nanoTime();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(annotations.size())) {
            var replies = new ArrayList<java.util.concurrent.Future<WebhookClient.Reply>>();
            for (var annotation : annotations) {
                replies.add(pool.submit(() -> webhook.post("/inject", BadInputCorpus.hugeQuantity(annotation, digits), true)));
            }
            for (var i = 0; i < annotations.size(); i++) {
                var reply = replies.get(i).get();
                assertEquals(200, reply.status(), reply.body().toString());
                var message = reply.body().at("/response/status/message").asText();
                assertFalse(reply.body().at("/response/allowed").asBoolean());
                assertTrue(message.startsWith("sidecar injection failed: " + annotations.get(i) + ": \"" + "1".repeat(40) + "...\" (" + digits + " characters)"), message);
                assertTrue(message.length() < MAX_MESSAGE, message);
            }
        }
        var millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        ReliabilityLog.record("BadInputIT.hugeQuantitiesAreDeniedPromptlyNamingTheAnnotation",
                annotations.size() + " reviews at once, each a quantity annotation of " + digits + " digits (a 3 MB body, under the 4 MB limit)",
                "each denied with a 200 naming the annotation, its value shortened; no 408, no 5xx",
                "reviews", annotations.size(), "digits each", digits, "all answered after ms", millis);
    }

    @Test
    void refusalsNameTheAnnotationAndValue() throws Exception {
        for (var input : BadInputCorpus.all()) {
            if (!input.name().startsWith("traffic.sidecar.istio.io/excludeOutboundPorts=80x")) {
                continue;
            }
            var response = webhook.post("/inject", input.body()).body().get("response");
            assertFalse(response.get("allowed").asBoolean());
            assertTrue(response.at("/status/message").asText().contains("traffic.sidecar.istio.io/excludeOutboundPorts: \"80x\""));
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
