package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

/** A patch written straight from its operations is the JSON of its tree, compact or not. */
class PatchOpsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writtenAsItsTree() throws Exception {
        var patch = new PatchOps();
        patch.add("/metadata/annotations/sidecar.istio.io~1status", TextNode.valueOf("{\"containers\":[\"a\"]} caf\u00e9\n"));
        patch.op(PatchOps.Op.REPLACE, "/spec/containers/1/readinessProbe", JSON.readTree("{\"httpGet\":{\"path\":\"/app-health/app/readyz\",\"port\":15020}}"));
        patch.remove("/spec/containers/0");
        patch.add("/metadata/labels/nothing", NullNode.getInstance());
        patch.add("/spec/volumes", JSON.readTree("[{\"name\":\"workload\",\"emptyDir\":{}}]"));

        var expected = JSON.readTree("""
                [{"op":"add","path":"/metadata/annotations/sidecar.istio.io~1status","value":"{\\"containers\\":[\\"a\\"]} caf\u00e9\\n"},
                 {"op":"replace","path":"/spec/containers/1/readinessProbe","value":{"httpGet":{"path":"/app-health/app/readyz","port":15020}}},
                 {"op":"remove","path":"/spec/containers/0"},
                 {"op":"add","path":"/metadata/labels/nothing","value":null},
                 {"op":"add","path":"/spec/volumes","value":[{"name":"workload","emptyDir":{}}]}]
                """);
        assertEquals(expected, patch.tree());
        var compact = ModelJson.MAPPER.writeValueAsString(patch);
        assertEquals(ModelJson.MAPPER.writeValueAsString(patch.tree()), compact);
        assertEquals(expected, JSON.readTree(compact));
        assertEquals(expected, JSON.readTree(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(patch)));
        var yaml = new YAMLMapper();
        assertEquals(expected, yaml.readTree(yaml.writeValueAsString(patch)));
        assertEquals(expected.toString(), patch.toString());
        assertEquals(5, patch.size());
        assertFalse(patch.isEmpty());
        assertFalse(patch.isEmpty(null));
    }

    @Test
    void emptyAndEqualByOperations() {
        var empty = new PatchOps();
        assertTrue(empty.isEmpty());
        assertTrue(empty.isEmpty(null));
        assertEquals("[]", empty.toString());
        var one = new PatchOps();
        one.remove("/a");
        var same = new PatchOps();
        same.remove("/a");
        var other = new PatchOps();
        other.add("/a", NullNode.getInstance());
        assertEquals(one, same);
        assertEquals(one.hashCode(), same.hashCode());
        assertNotEquals(one, other);
        assertNotEquals(one, empty);
    }
}
