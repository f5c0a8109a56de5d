package dev.sidecarinjector.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** POST /validate over real HTTPS, as kube-apiserver calls the chart's ValidatingWebhookConfiguration. */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class ValidationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebhookClient webhook = new WebhookClient();

    private static ObjectNode review(String operation, String group, String kind, String object) throws Exception {
        var review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        var request = review.putObject("request");
        request.put("uid", UUID.randomUUID().toString());
        request.putObject("kind").put("group", group).put("version", "v1").put("kind", kind);
        request.put("namespace", "demo");
        request.put("name", "reviews");
        request.put("operation", operation);
        if (object != null) {
            request.set("object", JSON.readTree(object));
        }
        return review;
    }

    private static byte[] bytes(ObjectNode review) {
        return review.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final String GOOD = """
            {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "reviews"},
             "spec": {"hosts": ["reviews"], "http": [{"timeout": "2s", "route": [{"destination": {"host": "reviews", "subset": "v1"}}]}]}}""";
    private static final String BAD = """
            {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "reviews"},
             "spec": {"hosts": ["reviews"], "http": [{"timeout": "10x", "route": [{"destination": {"host": "reviews"}}]}]}}""";

    @ParameterizedTest
    @ValueSource(strings = {"CREATE", "UPDATE"})
    void aValidObjectIsAllowedAndAnInvalidOneRefusedNamingTheFieldAndValue(String operation) throws Exception {
        var good = review(operation, "networking.istio.io", "VirtualService", GOOD);
        var allowed = webhook.post("/validate", bytes(good));
        assertEquals(200, allowed.status());
        assertEquals(good.at("/request/uid").asText(), allowed.body().at("/response/uid").asText());
        assertTrue(allowed.body().at("/response/allowed").asBoolean(), allowed.body()::toString);
        assertNull(allowed.body().at("/response/patch").textValue());

        var denied = webhook.post("/validate", bytes(review(operation, "networking.istio.io", "VirtualService", BAD)));
        assertEquals(200, denied.status());
        assertFalse(denied.body().at("/response/allowed").asBoolean(), denied.body()::toString);
        assertEquals(400, denied.body().at("/response/status/code").asInt());
        assertEquals("configuration is invalid: VirtualService demo/reviews: spec.http[0].timeout: \"10x\" is not a duration "
                + "(use a number and a unit: 10s, 250ms, 1m)", denied.body().at("/response/status/message").asText());
    }

    @Test
    void aDeleteAndAKindNotCheckedAreAllowedUnread() throws Exception {
        var delete = webhook.post("/validate", bytes(review("DELETE", "networking.istio.io", "VirtualService", null)));
        assertTrue(delete.body().at("/response/allowed").asBoolean(), delete.body()::toString);
        var gateway = webhook.post("/validate", bytes(review("CREATE", "networking.istio.io", "Gateway", "{\"spec\": 1}")));
        assertTrue(gateway.body().at("/response/allowed").asBoolean(), gateway.body()::toString);
    }

    @Test
    void anObjectBeingDeletedIsLetGo() throws Exception {
        var deleting = BAD.replace("\"metadata\": {\"name\": \"reviews\"}",
                "\"metadata\": {\"name\": \"reviews\", \"deletionTimestamp\": \"2026-12-03T10:00:00Z\", \"finalizers\": []}");
        var reply = webhook.post("/validate", bytes(review("UPDATE", "networking.istio.io", "VirtualService", deleting)));
        assertTrue(reply.body().at("/response/allowed").asBoolean(), reply.body()::toString);
    }

    @Test
    void aCreateWithoutAnObjectOrWithAnotherValueIsRefused() throws Exception {
        var reply = webhook.post("/validate", bytes(review("CREATE", "security.istio.io", "PeerAuthentication", null)));
        assertFalse(reply.body().at("/response/allowed").asBoolean(), reply.body()::toString);
        assertEquals("configuration is invalid: request.object: missing for a PeerAuthentication CREATE", reply.body().at("/response/status/message").asText());
        var list = webhook.post("/validate", bytes(review("CREATE", "security.istio.io", "PeerAuthentication", "[1, 2]")));
        assertEquals("configuration is invalid: request.object: [1,2] is not an object", list.body().at("/response/status/message").asText());
    }

    @Test
    void aRefusalListsTenErrorsAndCountsTheRest() {
        var errors = java.util.stream.IntStream.rangeClosed(1, 25).mapToObj(i -> "error " + i).toList();
        assertEquals("configuration is invalid: error 1; error 2; error 3; error 4; error 5; error 6; error 7; error 8; error 9; error 10; and 15 more",
                ValidationHandler.refusal(errors));
        assertEquals("configuration is invalid: one", ValidationHandler.refusal(List.of("one")));
    }

    @Test
    void aBodyThatIsNoReviewGets400AndAnotherMethod405() throws Exception {
        var notJson = webhook.post("/validate", "{".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, notJson.status());
        assertTrue(notJson.body().path("error").asText().startsWith("body is not valid JSON"), notJson.body()::toString);
        var duplicate = webhook.post("/validate", ("{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"1\", "
                + "\"kind\": {\"group\": \"networking.istio.io\", \"kind\": \"VirtualService\"}, \"operation\": \"CREATE\", "
                + "\"object\": {\"kind\": \"VirtualService\", \"kind\": \"DestinationRule\"}}}").getBytes(StandardCharsets.UTF_8));
        assertEquals(400, duplicate.status(), duplicate.body()::toString);
        var get = webhook.send("GET", "/validate", new byte[0], "Content-Type", "application/json");
        assertEquals(405, get.status());
        assertEquals(List.of("POST"), get.headers().allValues("Allow"));
    }

    @Test
    void answersAreCountedByKindAndResult() throws Exception {
        webhook.post("/validate", bytes(review("CREATE", "networking.istio.io", "VirtualService", BAD)));
        var metrics = webhook.getText("/q/metrics");
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("mesh_validation_reviews_total{") && line.contains("kind=\"VirtualService\"")
                && line.contains("result=\"denied\"")), metrics);
        webhook.post("/validate", bytes(review("CREATE", "example.com", "Anything" + UUID.randomUUID(), "{}")));
        assertTrue(webhook.getText("/q/metrics").lines().anyMatch(line -> line.startsWith("mesh_validation_reviews_total{") && line.contains("kind=\"other\"")
                && line.contains("result=\"allowed\"")), "a kind not checked is counted as other");
    }
}
