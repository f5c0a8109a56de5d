package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The generated {@link PodTree} is what its generator writes today, and {@link PodTreeBase#tree} makes of every value
 * the tree {@link ModelJson#MAPPER}'s {@code valueToTree} makes: the same nodes (an int node for an int, a long node
 * for a long), the same properties in the same order, the same JSON text.
 */
class PodTreeTest {

    private static final ObjectMapper JSON = ModelJson.MAPPER;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void theCheckedInWriterIsWhatTheGeneratorWrites() throws IOException {
        var generator = new PodTreeGenerator();
        var source = generator.source();
        assertEquals(List.of(), generator.left(), "classes of the pod's model the writer leaves to Jackson");
        Golden.compareText(PodTreeGenerator.TARGET, source);
    }

    /** Every pod of the webhook's golden inputs, and the benchmark's, bound by Jackson: written here as Jackson writes it. */
    @Test
    void writesEveryGoldenPodAsJacksonDoes() throws IOException {
        var pods = Golden.pods();
        assertTrue(pods.size() > 90, "golden pods found: " + pods.size());
        var writtenHere = 0;
        for (var json : pods) {
            if (sameAsJackson(JSON.treeToValue(json, Pod.class))) {
                writtenHere++;
            }
        }
        assertTrue(writtenHere > pods.size() * 3 / 4, "written here: " + writtenHere + " of " + pods.size());
        assertTrue(sameAsJackson(JSON.treeToValue(pods.getLast(), Pod.class)), "the benchmark's pod is written here");
    }

    /** A pod with every property of the model set (two items in each list and map), written here as Jackson writes it. */
    @Test
    void writesEveryPropertyOfTheModel() throws IOException {
        var full = JSON.treeToValue(Golden.fullPod(), Pod.class);
        assertTrue(sameAsJackson(full), "the full pod is written here");
        assertTrue(JSON.valueToTree(full).toString().length() > 50_000);
    }

    /**
     * Each value of the full pod in turn made something else before Jackson binds it (null, an empty string, list or
     * object, another scalar, an unknown property beside it): written here as Jackson writes the pod, or left to
     * Jackson; never written otherwise.
     */
    @Test
    void everyOtherValueIsWrittenAsJacksonDoesOrLeftToIt() throws IOException {
        var full = Golden.fullPod();
        var paths = new ArrayList<String>();
        PodBinderTest.values(full, "", paths);
        List<Function<JsonNode, JsonNode>> mutations = List.of(
                value -> NODES.nullNode(),
                value -> value.isTextual() ? NODES.textNode("") : value.isArray() ? NODES.arrayNode() : NODES.objectNode(),
                value -> value.isArray() ? NODES.arrayNode().add(NODES.nullNode()) : value.isObject() ? NODES.objectNode() : NODES.textNode("7"),
                value -> value.isObject() ? ((ObjectNode) value.deepCopy()).put("unknownField", "x") : NODES.numberNode(7),
                value -> NODES.booleanNode(false));
        var tried = 0;
        var writtenHere = 0;
        for (var i = 0; i < paths.size(); i++) {
            var mutated = full.deepCopy();
            PodBinderTest.replace(mutated, paths.get(i), mutations.get(i % mutations.size()));
            Pod pod;
            try {
                pod = JSON.treeToValue(mutated, Pod.class);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                continue;
            }
            tried++;
            if (sameAsJackson(pod)) {
                writtenHere++;
            }
        }
        assertTrue(tried > 3000, "pods Jackson bound: " + tried);
        assertTrue(writtenHere > tried / 2 && writtenHere < tried, "written here " + writtenHere + " of " + tried);
    }

    /** What the injection hands it besides a pod: lists, maps, scalars, beans in part, a null. */
    @Test
    void writesTheValuesThePatchIsMadeOfAsJacksonDoes() {
        var labels = new LinkedHashMap<String, String>();
        labels.put("app", "reviews");
        labels.put("empty", null);
        var env = new ArrayList<EnvVar>(List.of(new EnvVar("A", "1", null), new EnvVar("B", null, null)));
        env.add(null);
        var limits = Map.of("cpu", new Quantity("250m"), "memory", new Quantity("1", "Gi"));
        var partial = new Quantity();
        partial.setAmount("3");
        var intOrStrings = List.of(new IntOrString(8080), new IntOrString("http"), new IntOrString());
        var volume = new VolumeBuilder().withName("istio-data").withNewEmptyDir().withSizeLimit(new Quantity("1Gi")).endEmptyDir().build();
        for (var value : List.<Object>of(labels, env, limits, partial, intOrStrings, volume, List.of(), Map.of(), "text", 7, 7L, true,
                new ContainerBuilder().withName("proxy").withArgs("a", "b").withNewSecurityContext().withRunAsUser(1337L).endSecurityContext().build())) {
            assertEquals(JSON.valueToTree(value), PodTreeBase.tree(value), value.toString());
            assertEquals(JSON.valueToTree(value).toString(), PodTreeBase.tree(value).toString());
        }
        assertNull(PodTreeBase.tree(null));
    }

    /** A subclass, an unknown property, a null map key, values of other types: Jackson's, as it writes or refuses it. */
    @Test
    void leavesToJacksonWhatOnlyItWritesAsItDoes() {
        var subclass = new Container() {
            @Override
            public String getName() {
                return "renamed";
            }
        };
        assertThrows(PodTreeBase.Unwritten.class, () -> PodTree.container(subclass));
        assertEquals("renamed", PodTreeBase.tree(subclass).path("name").asText());
        var unknown = new ContainerBuilder().withName("proxy").build();
        unknown.setAdditionalProperty("imagePolicy", Map.of("x", 1.5));
        assertThrows(PodTreeBase.Unwritten.class, () -> PodTree.container(unknown));
        assertEquals(JSON.valueToTree(unknown), PodTreeBase.tree(unknown));
        var nullKey = new HashMap<String, String>();
        nullKey.put(null, "x");
        var jackson = assertThrows(IllegalArgumentException.class, () -> JSON.valueToTree(nullKey));
        assertEquals(jackson.getMessage(), assertThrows(IllegalArgumentException.class, () -> PodTreeBase.tree(nullKey)).getMessage());
        assertEquals(JSON.valueToTree(List.of(1.5, new Object[] {"a"})), PodTreeBase.tree(List.of(1.5, new Object[] {"a"})));
    }

    /** Whether the pod is written here (then as Jackson writes it); when not, through {@link PodTreeBase#tree} it is Jackson's. */
    private static boolean sameAsJackson(Pod pod) throws JsonProcessingException {
        var jackson = JSON.valueToTree(pod);
        JsonNode here;
        try {
            here = PodTree.pod(pod);
        } catch (PodTreeBase.Unwritten e) {
            assertEquals(jackson, PodTreeBase.tree(pod));
            return false;
        }
        assertEquals(jackson, here);
        assertEquals(JSON.writeValueAsString(jackson), JSON.writeValueAsString(here));
        return true;
    }
}
