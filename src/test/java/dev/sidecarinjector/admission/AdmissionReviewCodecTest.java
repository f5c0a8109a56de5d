package dev.sidecarinjector.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.inject.BindingError;
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
        assertEquals(".spec.containers[0].ports", BindingError.fieldPath(inOrder));
        assertEquals(BindingError.fieldPath(objectFirst), BindingError.fieldPath(inOrder));
    }

    /** Bad JSON or a duplicate key inside the pod is still bad JSON, and the rest of the review is still read. */
    @Test
    void anEmptyBodyIsSaidToBeEmpty() {
        for (var body : List.of("", " \n")) {
            var refused = assertThrows(BadReviewException.class, () -> AdmissionReviewCodec.decode(body.getBytes(StandardCharsets.UTF_8)));
            assertEquals("body is empty: expected one AdmissionReview (a JSON object)", refused.getMessage());
        }
        var array = assertThrows(BadReviewException.class, () -> AdmissionReviewCodec.decode("[]".getBytes(StandardCharsets.UTF_8)));
        assertEquals("body is not a JSON object", array.getMessage());
    }

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

    /**
     * The parser's own duplicate-key check is off while a Pod CREATE is read (the envelope, the trees, the skipped
     * values and the binder check their keys themselves): a key named twice in any object of the review, the envelope
     * or the pod, the benchmark's review or a pod with every property set, is refused as the parser refuses it.
     */
    @Test
    void aKeyNamedTwiceAnywhereIsRefusedAsTheParserRefusesIt() throws IOException {
        var bench = JSON.readTree(java.nio.file.Path.of("bench/fixtures/deployment-pod-review.json").toFile());
        var full = JSON.readTree(review(dev.sidecarinjector.inject.Golden.fullPod().toString(), false));
        var strict = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        var refused = 0;
        for (var body : List.of(bench, full)) {
            AdmissionReviewCodec.decode(JSON.writeValueAsBytes(body)).object().pod();
            for (var target = 0; ; target++) {
                var text = withKeyTwice(body, target);
                if (text == null) {
                    break;
                }
                var expected = assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class, () -> strict.readTree(text));
                var thrown = assertThrows(BadReviewException.class, () -> AdmissionReviewCodec.decode(text.getBytes(StandardCharsets.UTF_8)), text);
                assertTrue(thrown.getMessage().matches(java.util.regex.Pattern.quote("body is not valid JSON: " + expected.getOriginalMessage())
                        + " \\(at byte \\d+\\)"), thrown.getMessage());
                refused++;
            }
        }
        assertTrue(refused > 1000, "objects given a key twice: " + refused);
    }

    /** {@code tree}'s JSON with the first key of its {@code target}-th non-empty object (in document order) written again at its end; null past the last. */
    private static String withKeyTwice(JsonNode tree, int target) throws IOException {
        var out = new java.io.StringWriter();
        var count = new int[] {0};
        var found = new boolean[] {false};
        try (var generator = JSON.getFactory().createGenerator(out)) {
            write(generator, tree, target, count, found);
        }
        return found[0] ? out.toString() : null;
    }

    private static void write(com.fasterxml.jackson.core.JsonGenerator generator, JsonNode node, int target, int[] count, boolean[] found) throws IOException {
        if (node.isObject() && !node.isEmpty()) {
            var mine = count[0]++ == target;
            generator.writeStartObject();
            for (var field : node.properties()) {
                generator.writeFieldName(field.getKey());
                write(generator, field.getValue(), target, count, found);
            }
            if (mine) {
                var first = node.properties().iterator().next();
                generator.writeFieldName(first.getKey());
                write(generator, first.getValue(), -1, new int[] {0}, new boolean[1]);
                found[0] = true;
            }
            generator.writeEndObject();
        } else if (node.isArray()) {
            generator.writeStartArray();
            for (var item : node) {
                write(generator, item, target, count, found);
            }
            generator.writeEndArray();
        } else {
            generator.writeTree(node);
        }
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

    /** Patches are encoded one after another on a thread, a large one (its buffer not kept) between small ones. */
    @Test
    void eachPatchIsEncodedWholeAndAloneLargeOrSmall() throws IOException {
        var small = JSON.readTree("[{\"op\":\"add\",\"path\":\"/metadata/labels/a\",\"value\":\"b\"}]");
        var large = JSON.readTree("[{\"op\":\"add\",\"path\":\"/metadata/annotations/big\",\"value\":\"" + "x".repeat(400_000) + "\"}]");
        for (var patch : List.of(small, large, small, large, small)) {
            var response = JSON.readTree(AdmissionReviewCodec.encode(AdmissionReviewCodec.allowed("u", patch))).get("response");
            assertEquals(patch, JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText())));
        }
    }
}
