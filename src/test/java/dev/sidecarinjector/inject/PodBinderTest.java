package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The generated {@link PodBinder} is what its generator writes today, and binds every pod it takes exactly as
 * Jackson binds it through {@link ModelJson#MAPPER}; every pod it does not take it refuses with {@link
 * PodBinderBase.Unbound}, never with a pod Jackson would not make.
 */
class PodBinderTest {

    private static final ObjectMapper JSON = ModelJson.MAPPER;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void theCheckedInBinderIsWhatTheGeneratorWrites() throws IOException {
        var generator = new PodBinderGenerator();
        var source = generator.source();
        assertEquals(List.of(), generator.left(), "properties of the pod's model the binder leaves to Jackson");
        Golden.compareText(PodBinderGenerator.TARGET, source);
    }

    /** Every pod of the webhook's golden inputs, and the benchmark's: bound here, they equal what Jackson binds. */
    @Test
    void bindsEveryGoldenPodAsJacksonDoes() throws IOException {
        var pods = Golden.pods();
        var bench = pods.getLast().toString();
        assertEquals(expected(bench), bound(bench), "the benchmark's pod is bound here, not by Jackson");
        assertTrue(pods.size() > 90, "golden pods found: " + pods.size());
        var boundHere = 0;
        for (var pod : pods) {
            if (sameAsJackson(pod.toString())) {
                boundHere++;
            }
        }
        assertTrue(boundHere > pods.size() * 3 / 4, "bound here: " + boundHere + " of " + pods.size());
    }

    /** A pod with every property of the model set (two items in each list and map): bound here, and as Jackson binds it. */
    @Test
    void bindsEveryPropertyOfTheModel() throws IOException {
        var full = Golden.fullPod();
        var text = full.toString();
        assertTrue(text.length() > 50_000, "the full pod is " + text.length() + " bytes");
        assertEquals(expected(text), bound(text));
        assertEquals(JSON.valueToTree(expected(text)), JSON.valueToTree(bound(text)));
    }

    /**
     * Each value of the full pod in turn made something else (null, another JSON type, a fraction, a number too large,
     * an unknown property beside it): either bound here as Jackson binds it, or left to Jackson; never bound to a pod
     * Jackson would not make, nor bound where Jackson refuses.
     */
    @Test
    void everyOtherValueIsBoundAsJacksonDoesOrLeftToIt() throws IOException {
        var full = Golden.fullPod();
        var paths = new ArrayList<String>();
        values(full, "", paths);
        assertTrue(paths.size() > 1000, "values: " + paths.size());
        List<Function<JsonNode, JsonNode>> mutations = List.of(
                value -> NODES.nullNode(),
                value -> value.isTextual() ? NODES.numberNode(7) : NODES.textNode("7"),
                value -> NODES.numberNode(1.5),
                value -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890")),
                value -> NODES.numberNode(5_000_000_000L),
                value -> NODES.booleanNode(true),
                value -> value.isArray() ? NODES.objectNode() : NODES.arrayNode().add(value.deepCopy()),
                value -> value.isObject() ? ((ObjectNode) value.deepCopy()).put("unknownField", "x") : NODES.objectNode());
        var tried = 0;
        var boundHere = 0;
        for (var i = 0; i < paths.size(); i++) {
            var mutated = full.deepCopy();
            var path = paths.get(i);
            replace(mutated, path, mutations.get(i % mutations.size()));
            if (sameAsJackson(mutated.toString())) {
                boundHere++;
            }
            tried++;
        }
        assertTrue(boundHere > 0 && boundHere < tried, "bound here " + boundHere + " of " + tried);
    }

    /**
     * Trees as the templates render them (YAML read into a tree): every container, volume and mount of the golden
     * pods and of the full pod is bound from its tree here as Jackson binds it, and one Jackson does not take is
     * refused in Jackson's words.
     */
    @Test
    void bindsTreesAsJacksonDoes() throws IOException {
        var pods = new ArrayList<>(Golden.pods());
        pods.add(Golden.fullPod());
        var items = 0;
        for (var pod : pods) {
            for (var list : List.of("/spec/containers", "/spec/initContainers")) {
                for (var container : pod.at(list)) {
                    sameFromTree(container, PodBinder::container, Container.class);
                    items++;
                    for (var mount : container.path("volumeMounts")) {
                        sameFromTree(mount, PodBinder::volumeMount, VolumeMount.class);
                    }
                }
            }
            for (var volume : pod.at("/spec/volumes")) {
                sameFromTree(volume, PodBinder::volume, Volume.class);
            }
        }
        assertTrue(items > 100, "containers: " + items);
        var broken = (ObjectNode) JSON.createObjectNode().put("name", "proxy").set("ports", NODES.textNode("8080"));
        var expected = assertThrows(JsonProcessingException.class, () -> JSON.treeToValue(broken, Container.class));
        var thrown = assertThrows(JsonProcessingException.class, () -> PodBinderBase.fromTree(broken, PodBinder::container, Container.class));
        assertEquals(expected.getOriginalMessage(), thrown.getOriginalMessage());
        var unknown = (ObjectNode) JSON.createObjectNode().put("name", "proxy").put("imagePolicy", "x");
        assertEquals(Map.of("imagePolicy", "x"),
                PodBinderBase.fromTree(unknown, PodBinder::container, Container.class).getAdditionalProperties(), "an unknown field is Jackson's to keep");
        unknown.putObject("securityContext").put("runAsUsr", 1);
        var found = new ArrayList<String>();
        var container = PodBinderBase.fromTree(unknown, PodBinder::container, Container.class, "containers[2]", found);
        assertEquals("proxy", container.getName());
        assertEquals(Set.of("containers[2].imagePolicy", "containers[2].securityContext.runAsUsr"), Set.copyOf(found), "the unknown fields Jackson kept, by path");
    }

    private static <T> void sameFromTree(JsonNode tree, PodBinderBase.Reader<T> reader, Class<T> type) throws IOException {
        T here;
        try (var parser = tree.traverse()) {
            parser.nextToken();
            here = reader.read(parser);
        }
        assertEquals(JSON.treeToValue(tree, type), here, tree.toString());
        assertEquals(here, PodBinderBase.fromTree(tree, reader, type));
        // What the binder takes has no field the model lacks, so the strict reading need not walk it.
        var unknown = new ArrayList<String>();
        assertEquals(here, PodBinderBase.fromTree(tree, reader, type, "item", unknown));
        assertEquals(List.of(), unknown);
        assertEquals(List.of(), ModelStrictness.unknownFields(here, "item"), tree.toString());
    }

    @Test
    void aPodIsReadUpToItsEndAndNoFurther() throws IOException {
        try (var parser = JSON.createParser("[{\"metadata\":{\"name\":\"a\"}},{\"x\":1}]")) {
            parser.nextToken();
            parser.nextToken();
            assertEquals("a", PodBinderBase.bind(parser).getMetadata().getName());
            assertEquals(JsonToken.END_OBJECT, parser.currentToken());
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
        }
    }

    @Test
    void aDuplicateKeyIsTheParsersError() throws IOException {
        try (var parser = JSON.createParser("{\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}")) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            parser.nextToken();
            assertThrows(JsonProcessingException.class, () -> PodBinderBase.bind(parser));
        }
    }

    /**
     * With the parser's own duplicate check off (as the review is read), a key named twice in a bean, a map or a
     * skipped value is not bound here: the review is then read again with the parser's check, which refuses it.
     */
    @Test
    void aKeyNamedTwiceIsLeftToTheParsersCheck() throws IOException {
        for (var text : List.of("{\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}", "{\"metadata\":{\"labels\":{\"app\":\"a\",\"app\":\"b\"}}}",
                "{\"metadata\":{\"managedFields\":[{\"manager\":\"a\",\"fieldsV1\":{\"f:x\":{},\"f:y\":{},\"f:x\":{}}}]}}",
                "{\"metadata\":{\"managedFields\":[]},\"metadata\":{}}",
                "{\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"cpu\":\"2\"}}}]}}")) {
            try (var parser = JSON.createParser(text)) {
                parser.nextToken();
                assertThrows(PodBinderBase.Unbound.class, () -> PodBinderBase.bind(parser), text);
            }
        }
        try (var parser = JSON.createParser("{\"metadata\":{\"managedFields\":[{\"a\":1,\"b\":[{\"c\":1,\"d\":2}]}],\"name\":\"x\"}}")) {
            parser.nextToken();
            assertEquals("x", PodBinderBase.bind(parser).getMetadata().getName(), "a skipped value without a key twice");
        }
    }

    @Test
    void quantitiesAndIntOrStringsAreMadeAsFabric8sDeserializersMakeThem() throws IOException {
        var text = "{\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"250m\",\"memory\":\"1.5Gi\"}},"
                + "\"readinessProbe\":{\"httpGet\":{\"port\":8080}},\"livenessProbe\":{\"tcpSocket\":{\"port\":\"http\"}}}]}}";
        var pod = bound(text);
        assertEquals(expected(text), pod);
        var container = pod.getSpec().getContainers().getFirst();
        assertEquals(new Quantity("250m"), container.getResources().getLimits().get("cpu"));
        assertEquals(new IntOrString(8080), container.getReadinessProbe().getHttpGet().getPort());
        assertEquals(new IntOrString("http"), container.getLivenessProbe().getTcpSocket().getPort());
    }

    @Test
    void managedFieldsAreSkippedAsJacksonSkipsThem() throws IOException {
        var text = "{\"metadata\":{\"name\":\"a\",\"managedFields\":[{\"manager\":\"kubectl\",\"fieldsV1\":{\"f:x\":{}}}]}}";
        assertEquals(expected(text), bound(text));
        assertTrue(bound(text).getMetadata().getManagedFields().isEmpty(), "managedFields are not kept");
    }

    /** Whether the pod is bound here (then as Jackson binds it); when it is not, Jackson must bind or refuse it alone. */
    private static boolean sameAsJackson(String text) throws IOException {
        Pod here;
        try {
            here = bound(text);
        } catch (PodBinderBase.Unbound e) {
            return false;
        }
        var jackson = expected(text);
        assertEquals(JSON.valueToTree(jackson), JSON.valueToTree(here), text);
        try {
            assertEquals(jackson, here, text);
        } catch (NumberFormatException e) {
            // fabric8's Quantity.equals parses both amounts and throws on one like "x": their text is equal (above).
        }
        return true;
    }

    private static Pod bound(String text) throws IOException {
        try (var parser = JSON.createParser(text)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            parser.nextToken();
            var pod = PodBinderBase.bind(parser);
            assertEquals(JsonToken.END_OBJECT, parser.currentToken());
            assertNull(parser.nextToken(), "the binder stopped before the pod's end");
            return pod;
        }
    }

    /** What Jackson binds; a value it refuses fails the test, since the binder just bound it. */
    private static Pod expected(String text) throws IOException {
        return JSON.readValue(text, Pod.class);
    }

    /** The JSON Pointer of every value under {@code node} that is not an empty container. */
    static void values(JsonNode node, String path, List<String> paths) {
        if (!path.isEmpty()) {
            paths.add(path);
        }
        if (node.isObject()) {
            node.properties().forEach(field -> values(field.getValue(), path + "/" + field.getKey(), paths));
        } else if (node.isArray()) {
            for (var i = 0; i < node.size(); i++) {
                values(node.get(i), path + "/" + i, paths);
            }
        }
    }

    static void replace(JsonNode root, String path, Function<JsonNode, JsonNode> mutation) {
        var cut = path.lastIndexOf('/');
        var parent = root.at(path.substring(0, cut));
        var key = path.substring(cut + 1);
        if (parent instanceof ObjectNode object) {
            object.set(key, mutation.apply(object.get(key)));
        } else if (parent instanceof ArrayNode array) {
            var index = Integer.parseInt(key);
            array.set(index, mutation.apply(array.get(index)));
        }
    }
}
