package dev.sidecarinjector.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.inject.ModelStrictness;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.Reviews;
import dev.sidecarinjector.testing.WebhookClient;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook over real HTTPS, trusting only the test CA, as kube-apiserver calls it. */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class AdmissionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebhookClient webhook = new WebhookClient();

    @Inject
    LogFlushing logFlushing;

    /** The application's console handler writes its lines in batches (LogFlushing), not one write per decision. */
    @Test
    void theConsoleLogIsWrittenInBatches() {
        assertTrue(logFlushing.held() >= 1, "handlers held: " + logFlushing.held());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/inject", "/mutate"})
    void injectsAPodAndEchoesTheUid(String path) throws Exception {
        var review = Reviews.podCreate("demo");
        var reply = webhook.post(path, Reviews.bytes(review));

        assertEquals(200, reply.status());
        var response = reply.body().get("response");
        assertEquals("admission.k8s.io/v1", reply.body().get("apiVersion").asText());
        assertEquals("AdmissionReview", reply.body().get("kind").asText());
        assertEquals(review.at("/request/uid").asText(), response.get("uid").asText());
        assertTrue(response.get("allowed").asBoolean());
        assertEquals("JSONPatch", response.get("patchType").asText());
        var patch = JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
        var pod = JSON.treeToValue(JsonPatch.apply(patch, review.at("/request/object")), Pod.class);
        assertEquals(List.of(), ModelStrictness.unknownFields(pod, "pod"));
        assertEquals(List.of("web", "sidecar-proxy"), pod.getSpec().getContainers().stream().map(Container::getName).toList());
        assertEquals(List.of("sidecar-init"), pod.getSpec().getInitContainers().stream().map(Container::getName).toList());
        assertTrue(pod.getMetadata().getAnnotations().containsKey("sidecar.istio.io/status"));
    }

    @Test
    void probesGoToTheStatusPortAndOneLeftAsItIsComesBackAsAWarning() throws Exception {
        var review = Reviews.podCreate("demo");
        var web = (com.fasterxml.jackson.databind.node.ObjectNode) review.at("/request/object/spec/containers/0");
        web.set("readinessProbe", JSON.readTree("{\"httpGet\": {\"path\": \"/ready\", \"port\": \"metrics\"}}"));
        web.set("livenessProbe", JSON.readTree("{\"tcpSocket\": {\"port\": 8080}, \"periodSeconds\": 7}"));
        var reply = webhook.post("/inject", Reviews.bytes(review));

        assertEquals(200, reply.status());
        var response = reply.body().get("response");
        assertTrue(response.get("allowed").asBoolean());
        assertEquals(List.of("spec.containers[0].readinessProbe.httpGet.port: \"metrics\" names no port of container web, so this probe is left "
                + "as it is (not moved to the status port 15020)"), JSON.convertValue(response.get("warnings"), List.class));
        var patch = JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
        var pod = JSON.treeToValue(JsonPatch.apply(patch, review.at("/request/object")), Pod.class);
        var liveness = pod.getSpec().getContainers().getFirst().getLivenessProbe();
        assertEquals("/app-health/web/livez", liveness.getHttpGet().getPath());
        assertEquals(15020, liveness.getHttpGet().getPort().getIntVal());
        assertEquals(7, liveness.getPeriodSeconds());
        assertEquals("metrics", pod.getSpec().getContainers().getFirst().getReadinessProbe().getHttpGet().getPort().getStrVal());
        var probers = pod.getSpec().getContainers().get(1).getEnv().stream().filter(env -> env.getName().equals("ISTIO_KUBE_APP_PROBERS")).toList();
        assertEquals("{\"/app-health/web/livez\":{\"tcpSocket\":{\"port\":8080},\"timeoutSeconds\":1}}", probers.getFirst().getValue());
    }

    @Test
    void skippedPodIsAllowedWithoutPatch() throws Exception {
        var reply = webhook.post("/inject", Reviews.bytes(Reviews.podCreate("unlabelled")));
        var response = reply.body().get("response");
        assertEquals(200, reply.status());
        assertTrue(response.get("allowed").asBoolean());
        assertNull(response.get("patch"));
        assertNull(response.get("patchType"));
    }

    @Test
    void nonPodObjectsAreAllowedUnchanged() throws Exception {
        var review = Reviews.podCreate("demo");
        ((com.fasterxml.jackson.databind.node.ObjectNode) review.at("/request/kind")).put("kind", "ConfigMap");
        var reply = webhook.post("/inject", Reviews.bytes(review));
        assertEquals(200, reply.status());
        assertTrue(reply.body().at("/response/allowed").asBoolean());
        assertTrue(reply.body().at("/response/patch").isMissingNode());
    }

    @Test
    void invalidOverrideIsRefusedWithTheAnnotationAndValue() throws Exception {
        var review = Reviews.podCreate("demo", Map.of("app", "web"), Map.of("traffic.sidecar.istio.io/excludeOutboundPorts", "80x"));
        var reply = webhook.post("/inject", Reviews.bytes(review));
        assertEquals(200, reply.status());
        var response = reply.body().get("response");
        assertFalse(response.get("allowed").asBoolean());
        assertTrue(response.get("patch") == null, "a refused pod must carry no patch");
        var message = response.at("/status/message").asText();
        assertTrue(message.contains("traffic.sidecar.istio.io/excludeOutboundPorts") && message.contains("\"80x\""), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "none", "no spec"})
    void podWithoutContainersIsRefusedNotLeftWithTheProxyAlone(String shape) throws Exception {
        var review = Reviews.podCreate("demo");
        var pod = (com.fasterxml.jackson.databind.node.ObjectNode) review.at("/request/object");
        switch (shape) {
            case "[]" -> ((com.fasterxml.jackson.databind.node.ObjectNode) pod.get("spec")).putArray("containers");
            case "none" -> ((com.fasterxml.jackson.databind.node.ObjectNode) pod.get("spec")).remove("containers");
            default -> pod.remove("spec");
        }
        var reply = webhook.post("/inject", Reviews.bytes(review));
        assertEquals(200, reply.status());
        var response = reply.body().get("response");
        assertFalse(response.get("allowed").asBoolean(), () -> shape + ": " + reply.body());
        assertNull(response.get("patch"), "a refused pod carries no patch");
        var message = response.at("/status/message").asText();
        assertTrue(message.contains("spec.containers: \"" + (shape.equals("no spec") ? "null" : "[]") + "\""), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{not json",
        "[]",
        "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{}}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Pod\",\"request\":{}}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\"}}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":7,\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\"}}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}",
        ""
    })
    void badReviewsGet400WithAMessage(String body) throws Exception {
        var reply = webhook.post("/inject", body.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, reply.status(), () -> "body " + body + " answered " + reply.body());
        assertFalse(reply.body().path("error").asText().isBlank(), () -> "no error message for " + body);
    }

    @Test
    void contentAfterTheReviewGets400NamingIt() throws Exception {
        var review = Reviews.podCreate("demo").toString();
        for (var body : List.of(review + "xyz", review + review, review + "\n{}")) {
            var reply = webhook.post("/inject", body.getBytes(StandardCharsets.UTF_8));
            assertEquals(400, reply.status(), () -> "answered " + reply.body());
            assertTrue(reply.body().path("error").asText().contains("after the JSON value"), reply.body()::toString);
        }
        assertEquals(200, webhook.post("/inject", (review + "\n").getBytes(StandardCharsets.UTF_8)).status(), "a trailing newline is no content");
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPDATE", "DELETE", "CONNECT"})
    void operationsOtherThanCreateAreAllowedUnchangedWhateverTheObject(String operation) throws Exception {
        var before = metrics();
        for (JsonNode object : java.util.Arrays.<JsonNode>asList(null, JSON.nullNode(), JSON.createObjectNode().put("kind", "ConfigMap"))) {
            var review = Reviews.podCreate("demo");
            var request = (com.fasterxml.jackson.databind.node.ObjectNode) review.get("request");
            request.put("operation", operation).put("name", "web-1");
            if (object == null) {
                request.remove("object");
            } else {
                request.set("object", object);
            }
            var reply = webhook.post("/inject", Reviews.bytes(review));
            assertEquals(200, reply.status(), reply.body()::toString);
            var response = reply.body().get("response");
            assertEquals(review.at("/request/uid").asText(), response.get("uid").asText());
            assertTrue(response.get("allowed").asBoolean(), response::toString);
            assertNull(response.get("patch"));
        }
        assertEquals(3.0, delta(before, metrics(), "sidecar_injection_skip_total{reason=\"not_create\"}"));
    }

    @Test
    void methodsOtherThanPostGet405WithAllowPost() throws Exception {
        for (var method : List.of("OPTIONS", "GET", "PUT")) {
            var reply = webhook.send(method, "/inject", new byte[0], "Content-Type", "application/json");
            assertEquals(405, reply.status(), method);
            assertEquals(List.of("POST"), reply.headers().allValues("Allow"), method);
            assertTrue(reply.body().path("error").asText().contains(method), reply.body()::toString);
        }
    }

    @Test
    void aPathNothingServesGets404NamingIt() throws Exception {
        var reply = webhook.send("POST", "/injekt", Reviews.bytes(Reviews.podCreate("demo")), "Content-Type", "application/json");
        assertEquals(404, reply.status());
        assertEquals(List.of("application/json"), reply.headers().allValues("Content-Type"));
        assertEquals("no such path: \"/injekt\"; admission reviews are POSTed to /inject, /mutate or /validate", reply.body().path("error").asText());
        assertEquals(200, webhook.get("/q/health/ready").status(), "Quarkus's own paths still answer");
    }

    @Test
    void bodiesThatAreNotPlainJsonGet415NamingTheHeader() throws Exception {
        var review = Reviews.bytes(Reviews.podCreate("demo"));
        var text = webhook.send("POST", "/inject", review, "Content-Type", "text/plain");
        assertEquals(415, text.status());
        assertTrue(text.body().path("error").asText().contains("Content-Type: \"text/plain\""), text.body()::toString);
        var gzip = webhook.send("POST", "/mutate", review, "Content-Type", "application/json", "Content-Encoding", "gzip");
        assertEquals(415, gzip.status());
        assertTrue(gzip.body().path("error").asText().contains("Content-Encoding: \"gzip\""), gzip.body()::toString);
        var none = webhook.send("POST", "/inject", review);
        assertEquals(415, none.status());
        assertTrue(none.body().path("error").asText().contains("Content-Type: missing"), none.body()::toString);
        var charset = webhook.send("POST", "/inject", review, "Content-Type", "Application/JSON; charset=UTF-8");
        assertEquals(200, charset.status(), charset.body()::toString);
    }

    @Test
    void oversizedBodyGets413() throws Exception {
        var huge = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        var refused = webhook.post("/inject", huge, true);
        assertEquals(413, refused.status());
        assertEquals("request body too large: 5242880 bytes declared; the limit is 4194304 bytes (quarkus.http.limits.max-body-size,"
                + " MAX_BODY_SIZE)", refused.body().path("error").asText(), refused.body()::toString);
        var sent = webhook.post("/mutate", huge);
        assertEquals(413, sent.status(), "without Expect: 100-continue too");
        assertEquals(200, webhook.get("/q/health/live").status(), "the server stays healthy");
    }

    @Test
    void aChunkedBodyIsBoundedToo() throws Exception {
        // No length declared, so only the reading can bound it: refused once past the limit, with the reason.
        var huge = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        var refused = webhook.postChunked("/inject", huge);
        assertEquals(413, refused.status(), refused.body()::toString);
        assertEquals("request body too large: more than 4194304 bytes sent; the limit is 4194304 bytes (quarkus.http.limits.max-body-size,"
                + " MAX_BODY_SIZE)", refused.body().path("error").asText());
        assertEquals(200, webhook.get("/q/health/live").status(), "the server stays healthy");
        // Under the limit, a chunked review larger than the reading's first array (16 KiB) is answered whole.
        var review = Reviews.podCreate("demo", Map.of(), Map.of("example.com/note", "x".repeat(100_000)));
        var answered = webhook.postChunked("/inject", Reviews.bytes(review));
        assertEquals(200, answered.status(), answered.body()::toString);
        assertTrue(answered.body().path("response").path("allowed").asBoolean(), answered.body()::toString);
        assertEquals(review.path("request").path("uid").asText(), answered.body().path("response").path("uid").asText());
    }

    @Test
    void metricsCountOutcomes() throws Exception {
        var before = metrics();
        webhook.post("/inject", Reviews.bytes(Reviews.podCreate("demo")));
        webhook.post("/inject", Reviews.bytes(Reviews.podCreate("unlabelled")));
        webhook.post("/inject", Reviews.bytes(Reviews.podCreate("demo", Map.of(), Map.of("sidecar.istio.io/proxyCPU", "lots"))));
        webhook.post("/inject", "{".getBytes(StandardCharsets.UTF_8));
        var after = metrics();
        assertEquals(4.0, delta(before, after, "sidecar_injection_requests_total"));
        assertEquals(1.0, delta(before, after, "sidecar_injection_success_total"));
        assertEquals(1.0, delta(before, after, "sidecar_injection_skip_total{reason=\"namespace_not_enabled\"}"));
        assertEquals(1.0, delta(before, after, "sidecar_injection_failure_total{reason=\"invalid_input\"}"));
        assertEquals(1.0, delta(before, after, "sidecar_injection_failure_total{reason=\"bad_request\"}"));
        assertTrue(after.contains("sidecar_injection_duration_seconds_bucket"), "latency histogram");
    }

    @Test
    void annotationWarningsComeBackWithTheReplyAndAreCountedByKindEvenForASkippedPod() throws Exception {
        var before = metrics();
        var injected = webhook.post("/inject", Reviews.bytes(Reviews.podCreate("demo", Map.of(),
                Map.of("sidecar.istio.io/proxyCPUs", "200m", "sidecar.istio.io/logLevel", "debug", "sidecar.istio.io/x\u001b[2J", "1")))).body();
        assertEquals(List.of("annotation sidecar.istio.io/logLevel is Istio's, but this injector does not read it: it has no effect",
                        "unknown annotation sidecar.istio.io/proxyCPUs: did you mean sidecar.istio.io/proxyCPU?",
                        "unknown annotation sidecar.istio.io/x\\x1b[2J (closest known name: sidecar.istio.io/inject)"),
                JSON.convertValue(injected.at("/response/warnings"), List.class));
        assertEquals("JSONPatch", injected.at("/response/patchType").asText());
        var skipped = webhook.post("/inject", Reviews.bytes(Reviews.podCreate("unlabelled", Map.of(), Map.of("sidecar.istio.io/injet", "true")))).body();
        assertEquals(List.of("unknown annotation sidecar.istio.io/injet: did you mean sidecar.istio.io/inject?"),
                JSON.convertValue(skipped.at("/response/warnings"), List.class));
        assertTrue(skipped.at("/response/patch").isMissingNode());
        var after = metrics();
        assertEquals(3.0, delta(before, after, "sidecar_injection_warnings_total{kind=\"unknown_annotation\"}"));
        assertEquals(1.0, delta(before, after, "sidecar_injection_warnings_total{kind=\"unsupported_annotation\"}"));
    }

    @Test
    void readinessReportsTlsTemplatesAndNamespaces() throws Exception {
        var reply = webhook.get("/q/health/ready");
        assertEquals(200, reply.status());
        var names = reply.body().get("checks").findValuesAsText("name");
        assertTrue(names.containsAll(List.of("tls", "templates", "namespace-labels", "memory")), names.toString());
    }

    @Test
    void rotatedCertificateIsServedWithoutRestart() throws Exception {
        var before = webhook.servedCertificateSerial();
        DevCertificates.create();
        var served = servedAfterRotation(before);
        assertNotEquals(before, served, "the server still presents the old certificate 30 s after rotation");
        assertEquals(200, webhook.post("/inject", Reviews.bytes(Reviews.podCreate("demo"))).status());
    }

    @Test
    void halfWrittenRotationKeepsServingTheOldPairUntilTheNewOneIsWhole() throws Exception {
        var before = webhook.servedCertificateSerial();
        var rotation = Thread.ofPlatform().start(() -> {
            try {
                DevCertificates.rotateKeyThenCertificate(java.time.Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // While only the key is new (three reload periods), every handshake still succeeds with the old pair.
        while (rotation.isAlive()) {
            assertEquals(200, webhook.get("/q/health/live").status());
            webhook.servedCertificateSerial();
            Thread.sleep(100);
        }
        assertNotEquals(before, servedAfterRotation(before), "the completed pair is not served 30 s after rotation");
    }

    /** Polls until a new certificate is served; a handshake refused during the rotation fails the test. */
    private java.math.BigInteger servedAfterRotation(java.math.BigInteger before) throws Exception {
        var deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        var served = before;
        while (served.equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            served = webhook.servedCertificateSerial();
        }
        return served;
    }

    private String metrics() throws Exception {
        return webhook.getText("/q/metrics");
    }

    private static double delta(String before, String after, String series) {
        return value(after, series) - value(before, series);
    }

    private static double value(String metrics, String series) {
        var pattern = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE);
        var match = pattern.matcher(metrics);
        return match.find() ? Double.parseDouble(match.group(1)) : 0.0;
    }

}
