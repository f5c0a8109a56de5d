package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

class SharedJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTAINER = """
            {"name":"istio-proxy","image":"proxy:1","args":["run","--x","é \\"q\\""],
             "env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}],
             "resources":{"limits":{"cpu":"2"},"requests":{}},"ports":[],"securityContext":{"runAsUser":1337,"privileged":false},
             "tty":null}""";

    private static JsonNode tree() throws Exception {
        return JSON.readTree(CONTAINER);
    }

    @Test
    void theFrozenTreeIsEqualAndEveryWriterWritesWhatItWroteForThePlainOne() throws Exception {
        var plain = tree();
        var shared = SharedJson.freeze(plain);

        assertEquals(plain, shared);
        assertEquals(shared, plain);
        assertEquals(JSON.writeValueAsString(plain), JSON.writeValueAsString(shared));
        assertEquals(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plain), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(shared));
        var yaml = new YAMLMapper();
        assertEquals(yaml.writeValueAsString(plain), yaml.writeValueAsString(shared));
        assertEquals(JSON.writeValueAsString(JSON.createArrayNode().add(plain)), JSON.writeValueAsString(JSON.createArrayNode().add(shared)));
    }

    @Test
    void itCannotBeChangedAtAnyDepthButItsDeepCopyCan() throws Exception {
        var shared = (ObjectNode) SharedJson.freeze(tree());

        assertThrows(UnsupportedOperationException.class, () -> shared.put("name", "x"));
        assertThrows(UnsupportedOperationException.class, () -> shared.remove("image"));
        assertThrows(UnsupportedOperationException.class, () -> ((ArrayNode) shared.get("args")).add("more"));
        assertThrows(UnsupportedOperationException.class, () -> ((ObjectNode) shared.get("env").get(1).get("valueFrom")).put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> ((ObjectNode) shared.at("/resources/limits")).put("memory", "1Gi"));

        var copy = (ObjectNode) shared.deepCopy();
        ((ObjectNode) copy.at("/env/1/valueFrom")).put("x", 1);
        ((ArrayNode) copy.get("args")).add("more");
        assertEquals(tree(), shared, "the copy's changes stay in the copy");
        assertTrue(copy.at("/env/1/valueFrom/x").isInt());
    }

    @Test
    void aShallowCopyWithFieldsSetAnewWritesTheNewFieldsAndTheOthersFromTheirText() throws Exception {
        var shared = (ObjectNode) SharedJson.freeze(tree());
        var edited = SharedJson.shallowCopy(shared);
        edited.set("args", JSON.createArrayNode().add("replaced"));
        var env = SharedJson.shallowCopy((ArrayNode) shared.get("env"));
        env.addObject().put("name", "C").put("value", "3");
        edited.set("env", env);
        edited.remove("tty");
        edited.put("workingDir", "/w");

        var expected = (ObjectNode) tree();
        expected.set("args", JSON.createArrayNode().add("replaced"));
        ((ArrayNode) expected.get("env")).addObject().put("name", "C").put("value", "3");
        expected.remove("tty");
        expected.put("workingDir", "/w");
        assertEquals(JSON.writeValueAsString(expected), JSON.writeValueAsString(edited));
        assertEquals(tree(), shared);
    }

    @Test
    void theRenderCacheWeighsTheTextsToo() throws Exception {
        assertTrue(RenderCache.weigh(SharedJson.freeze(tree())) > RenderCache.weigh(tree()) + 2L * CONTAINER.length() / 2);
    }
}
