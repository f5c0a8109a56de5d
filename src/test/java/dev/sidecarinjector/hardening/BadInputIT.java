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
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
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
            var reply = send(input);
            var body = reply.body();
            statuses.merge(reply.status(), 1, Integer::sum);
            if (input.status() != 0 && reply.status() != input.status()) {
                problems.add(input.name() + ": HTTP " + reply.status() + ", expected " + input.status() + ": " + abbreviate(body.toString()));
            } else if (reply.status() >= 400 && reply.status() < 500) {
                if (List.of(400, 405, 415).contains(reply.status()) && !input.method().equals("HEAD") && body.path("error").asText().isBlank()) {
                    problems.add(input.name() + ": " + reply.status() + " without an error message");
                }
                if (reply.status() == 405 && !reply.headers().allValues("Allow").equals(List.of("POST"))) {
                    problems.add(input.name() + ": 405 with Allow " + reply.headers().allValues("Allow") + ", expected POST");
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
                    if (Boolean.TRUE.equals(input.allowed())) {
                        problems.add(input.name() + ": expected allowed=true with no patch: " + abbreviate(response.toString()));
                    }
                } else if (input.allowed() != null && (!input.allowed() || response.has("patch"))) {
                    problems.add(input.name() + ": expected allowed=" + input.allowed() + " with no patch: " + abbreviate(response.toString()));
                }
            } else {
                problems.add(input.name() + ": HTTP " + reply.status() + " " + abbreviate(body.toString()));
            }
        }
        assertEquals("", String.join("\n", problems), problems.size() + " of " + corpus.size() + " cases misbehaved");
        assertEquals(200, webhook.get("/q/health/ready").status());
        ReliabilityLog.record("BadInputIT.everyBadInputGetsACleanAnswer",
                corpus.size() + " bad requests: truncated, every field of the wrong JSON type, bad annotation values (quantities of"
                        + " 500,000 digits or exponent 1e99999999999; image references with quotes, $(...), U+FFFF or 1 MB; proxy.istio.io/config"
                        + " with a repeated key or a list for a boolean), huge, deeply nested, invalid UTF-8, content after the review, operations"
                        + " other than CREATE with any object, control characters, other methods, Content-Types and Content-Encodings",
                "a 4xx with a JSON error (405 with Allow: POST; 415 for a body that is not plain JSON; 400 for trailing content) or an"
                        + " AdmissionResponse that echoes the uid (with a message when refused; UPDATE, DELETE and CONNECT allowed unchanged);"
                        + " never a 5xx; bad input never refused as an internal or template error, nor with a message over " + MAX_MESSAGE
                        + " characters; ready afterwards",
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

    @Test
    void noLogLineOrDenialCarriesARawControlCharacter() throws Exception {
        var cases = BadInputCorpus.all().stream().filter(input -> input.name().startsWith("control characters")).toList();
        var lines = new ArrayList<String>();
        var capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (lines) {
                    lines.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
                    // A trace prints each throwable's toString on a line of its own, then its stack frames.
                    for (var error = record.getThrown(); error != null; error = error.getCause()) {
                        lines.add(error.toString());
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        var logger = Logger.getLogger("dev.sidecarinjector");
        logger.addHandler(capture);
        var answered = 0;
        var denials = new ArrayList<String>();
        try {
            for (var input : cases) {
                var reply = send(input);
                answered += reply.status() == 200 ? 1 : 0;
                denials.add(reply.body().at("/response/status/message").asText());
            }
        } finally {
            logger.removeHandler(capture);
        }
        List<String> raw;
        long decisions;
        int checked;
        synchronized (lines) {
            checked = lines.size();
            decisions = lines.stream().filter(line -> line.startsWith("decision ")).count();
            raw = lines.stream().filter(BadInputIT::hasControlCharacter).toList();
        }
        assertEquals(List.of(), raw.stream().limit(10).map(BadInputIT::abbreviate).toList(), raw.size() + " log lines with a raw control character");
        assertTrue(decisions >= answered, "only " + decisions + " decision lines for " + answered + " answered reviews");
        assertEquals(List.of(), denials.stream().filter(BadInputIT::hasControlCharacter).toList(), "denials with a raw control character");
        assertTrue(denials.stream().filter(message -> !message.isEmpty()).count() >= 5, "the hostile annotations are denied: " + denials);
        ReliabilityLog.record("BadInputIT.noLogLineOrDenialCarriesARawControlCharacter",
                cases.size() + " reviews with control characters (C0, DEL, C1, U+2028, U+2029) in every value the webhook logs: "
                        + "generateName, names, namespace, uid, kind, labels, annotations, owner",
                "every log line written meanwhile, and every denial, carries them escaped (\\r, \\x1b, \\u0085), none raw",
                "reviews", cases.size(), "log lines checked", checked, "decision lines", decisions);
    }

    private WebhookClient.Reply send(BadInputCorpus.Case input) throws Exception {
        if (input.method().equals("POST") && input.path().equals("/inject") && input.headers().equals(BadInputCorpus.JSON_HEADERS)) {
            return webhook.post("/inject", input.body(), input.body().length > 1_000_000);
        }
        return webhook.send(input.method(), input.path(), input.body(), input.headers().toArray(String[]::new));
    }

    private static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
