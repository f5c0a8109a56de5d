package dev.sidecarinjector.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionReviewCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POD = "{\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},"
            + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\",\"ports\":[{\"containerPort\":8080}]}]}}";
    private static final String BAD_POD = "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"ports\":{\"a\":1}}]}}";

    /** The API server's order (kind and operation before the object), or the object first. */
    private static byte[] review(String object, boolean objectFirst) {
        var head = "\"uid\":\"u1\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"namespace\":\"demo\",\"operation\":\"CREATE\"";
        var request = objectFirst ? "\"object\":" + object + "," + head : head + ",\"object\":" + object + ",\"dryRun\":false";
        return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{" + request + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Pod bind(byte[] body) throws IOException {
        return AdmissionReviewCodec.decode(body).object().pod();
    }

    @Test
    void aPodBindsTheSameInEitherOrder() throws IOException {
        var expected = JSON.readValue(POD, Pod.class);
        assertEquals(expected, bind(review(POD, false)));
        assertEquals(expected, bind(review(POD, true)));
        var request = AdmissionReviewCodec.decode(review(POD, false));
        assertEquals("u1", request.uid());
        assertEquals("demo", request.namespace());
    }

    /**
     * A pod's managedFields (the API server's field ownership, often as large as the spec) are skipped while the pod
     * is bound: the injection never reads or patches them. Everything else binds as before, in either order, and a
     * malformed entry in them is no error of the pod.
     */
    @Test
    void managedFieldsAreSkippedWhenAPodIsBound() throws IOException {
        var managed = "\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
                + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},"
                + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},\"f:image\":{}}}}}}]";
        var expected = JSON.readValue(POD, Pod.class);
        for (var entries : List.of(managed, "\"managedFields\":\"not a list\"")) {
            var withManaged = POD.replace("{\"metadata\":{", "{\"metadata\":{" + entries + ",");
            for (var objectFirst : List.of(false, true)) {
                var pod = bind(review(withManaged, objectFirst));
                assertEquals(expected, pod);
                assertTrue(pod.getMetadata().getManagedFields().isEmpty(), pod.getMetadata().getManagedFields().toString());
                assertTrue(pod.getMetadata().getAdditionalProperties().isEmpty(), pod.getMetadata().getAdditionalProperties().toString());
            }
        }
    }

    /** A pod that does not bind while read is read again: the refusal names the same field in either order. */
    @Test
    void aPodThatDoesNotBindIsTheSameErrorInEitherOrder() {
        var inOrder = assertThrows(JsonMappingException.class, () -> bind(review(BAD_POD, false)));
        var objectFirst = assertThrows(JsonMappingException.class, () -> bind(review(BAD_POD, true)));
        assertEquals(objectFirst.getOriginalMessage(), inOrder.getOriginalMessage());
        assertEquals(".spec.containers[0].ports", AdmissionReviewCodec.fieldPath(inOrder));
        assertEquals(AdmissionReviewCodec.fieldPath(objectFirst), AdmissionReviewCodec.fieldPath(inOrder));
    }

    /** Bad JSON or a duplicate key inside the pod is still bad JSON, and the rest of the review is still read. */
    @Test
    void badJsonInsideThePodIsRefusedAsBadJson() {
        for (var object : List.of("{\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}", "{\"metadata\":{\"name\":}}",
                "{\"metadata\":{\"labels\":{\"app\":\"a\",\"app\":\"b\"}}}",
                "{\"metadata\":{\"managedFields\":[{\"manager\":\"a\",\"manager\":\"b\"}]}}",
                "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"image\":\"y\"}]}}")) {
            for (var objectFirst : List.of(false, true)) {
                var thrown = assertThrows(BadReviewException.class, () -> AdmissionReviewCodec.decode(review(object, objectFirst)));
                assertTrue(thrown.getMessage().startsWith("body is not valid JSON"), thrown.getMessage());
            }
        }
        var trailing = new String(review(POD, false), StandardCharsets.UTF_8) + "{}";
        var thrown = assertThrows(BadReviewException.class, () -> AdmissionReviewCodec.decode(trailing.getBytes(StandardCharsets.UTF_8)));
        assertTrue(thrown.getMessage().startsWith("body: content after the JSON value"), thrown.getMessage());
    }

    /** Only a Pod CREATE is bound while read; an UPDATE's object stays unread until asked for. */
    @Test
    void anotherOperationKeepsTheObjectAsTokens() throws IOException {
        var body = new String(review(BAD_POD, false), StandardCharsets.UTF_8).replace("\"CREATE\"", "\"UPDATE\"");
        var request = AdmissionReviewCodec.decode(body.getBytes(StandardCharsets.UTF_8));
        assertEquals("UPDATE", request.operation());
        assertTrue(request.object().isObject());
    }

    /** The patch is the base64 of its JSON, the same whether the reply is written as bytes, to a stream or as text. */
    @Test
    void theReplyCarriesThePatchAsBase64() throws IOException {
        var patch = JSON.readTree("[{\"op\":\"add\",\"path\":\"/metadata/annotations/a~1b\",\"value\":\"caf\\u00e9 \\\"q\\\"\"}]");
        var reply = AdmissionReviewCodec.allowed("u1", patch, List.of("w"));
        var streamed = new java.io.ByteArrayOutputStream();
        AdmissionReviewCodec.encode(reply, streamed);
        assertEquals(new String(AdmissionReviewCodec.encode(reply), StandardCharsets.UTF_8), streamed.toString(StandardCharsets.UTF_8));
        for (var written : List.of(JSON.readTree(AdmissionReviewCodec.encode(reply)), JSON.readTree(reply.toString()))) {
            var response = written.get("response");
            assertEquals("u1", response.get("uid").asText());
            assertEquals("JSONPatch", response.get("patchType").asText());
            JsonNode decoded = JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
            assertEquals(patch, decoded);
            assertEquals("w", response.get("warnings").get(0).asText());
        }
    }
}
