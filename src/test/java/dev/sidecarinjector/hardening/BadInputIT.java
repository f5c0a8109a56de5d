package dev.sidecarinjector.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                } else if (!response.path("allowed").asBoolean() && response.at("/status/message").asText().isBlank()) {
                    problems.add(input.name() + ": refused without a message");
                }
            } else {
                problems.add(input.name() + ": HTTP " + reply.status() + " " + abbreviate(body.toString()));
            }
        }
        assertEquals("", String.join("\n", problems), problems.size() + " of " + corpus.size() + " cases misbehaved");
        assertEquals(200, webhook.get("/q/health/ready").status());
        ReliabilityLog.record("BadInputIT.everyBadInputGetsACleanAnswer",
                corpus.size() + " bad AdmissionReview bodies: truncated, every field of the wrong JSON type, bad annotation values, huge, deeply nested, invalid UTF-8",
                "a 4xx with a message or an AdmissionResponse that echoes the uid (with a message when refused); never a 5xx; ready afterwards",
                "cases", corpus.size(), "answers by HTTP status", statuses.toString());
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

    @Test
    void podsWithoutContainersAreRefusedNotInjected() throws Exception {
        var refused = 0;
        for (var input : BadInputCorpus.all()) {
            if (!input.name().equals("no containers") && !input.name().equals("no spec")) {
                continue;
            }
            var response = webhook.post("/inject", input.body()).body().get("response");
            assertFalse(response.get("allowed").asBoolean(), input.name());
            assertTrue(response.path("patch").isMissingNode(), input.name() + ": a refused pod carries no patch");
            assertTrue(response.at("/status/message").asText().contains("spec.containers: \""), response.toString());
            refused++;
        }
        assertEquals(2, refused);
        ReliabilityLog.record("BadInputIT.podsWithoutContainersAreRefusedNotInjected",
                "a Pod CREATE in an injected namespace with containers: [] and with no spec at all",
                "refused with a message naming spec.containers and its value, no patch: never a pod whose only container is the proxy",
                "cases", refused);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
