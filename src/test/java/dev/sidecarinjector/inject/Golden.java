package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sidecarinjector.cli.KubernetesYaml;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Golden-file plumbing: list scenario folders, compare with the expected file, or rewrite it with -Dgolden.update=true. */
public final class Golden {

    public static final YAMLMapper YAML = KubernetesYaml.MAPPER;

    private Golden() {
    }

    public static boolean updating() {
        return Boolean.getBoolean("golden.update");
    }

    public static List<Path> scenarios(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** The pod of every webhook golden input that has one, and then the benchmark's pod (the last). */
    public static List<ObjectNode> pods() throws IOException {
        var pods = new ArrayList<ObjectNode>();
        for (var dir : scenarios(Path.of("src/test/resources/golden/webhook"))) {
            var input = dir.resolve("input.yaml");
            if (Files.exists(input) && YAML.readTree(input.toFile()).get("pod") instanceof ObjectNode pod) {
                pods.add(pod);
            }
        }
        pods.add((ObjectNode) YAML.readTree(Path.of("bench/fixtures/deployment-pod-review.json").toFile()).at("/request/object"));
        return pods;
    }

    /** Compares as data (not text), so the assertion names the first difference in a readable form. */
    public static void compare(Path expectedFile, JsonNode actual) throws IOException {
        if (updating()) {
            Files.writeString(expectedFile, YAML.writeValueAsString(actual));
            return;
        }
        assertTrue(Files.exists(expectedFile), expectedFile + " is missing: run with -Dgolden.update=true and review it");
        var expected = YAML.readTree(expectedFile.toFile());
        assertEquals(YAML.writeValueAsString(expected), YAML.writeValueAsString(actual), "golden mismatch for " + expectedFile);
    }

    /** Text comparison for outputs that are text (kube-inject's YAML). */
    public static void compareText(Path expectedFile, String actual) throws IOException {
        if (updating()) {
            Files.writeString(expectedFile, actual);
            return;
        }
        assertTrue(Files.exists(expectedFile), expectedFile + " is missing: run with -Dgolden.update=true and review it");
        assertEquals(Files.readString(expectedFile), actual, "golden mismatch for " + expectedFile);
    }

    /** A Pod's JSON with every property Jackson binds set, from Jackson's own view of the model. */
    public static ObjectNode fullPod() {
        return (ObjectNode) sample(ModelJson.MAPPER.constructType(Pod.class), 0, "pod");
    }

    private static JsonNode sample(JavaType type, int depth, String name) {
        var raw = type.getRawClass();
        if (raw == String.class) {
            return JsonNodeFactory.instance.textNode(name + "-" + depth);
        }
        if (raw == Integer.class || raw == int.class) {
            return JsonNodeFactory.instance.numberNode(depth + 3);
        }
        if (raw == Long.class || raw == long.class) {
            return JsonNodeFactory.instance.numberNode(depth + 3_000_000_000L);
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return JsonNodeFactory.instance.booleanNode(depth % 2 == 0);
        }
        if (raw == Quantity.class) {
            return JsonNodeFactory.instance.textNode(depth + "500m");
        }
        if (raw == IntOrString.class) {
            return depth % 2 == 0 ? JsonNodeFactory.instance.numberNode(8080) : JsonNodeFactory.instance.textNode("http");
        }
        if (type.isCollectionLikeType()) {
            return JsonNodeFactory.instance.arrayNode().add(sample(type.getContentType(), depth + 1, name)).add(sample(type.getContentType(), depth + 2, name));
        }
        if (type.isMapLikeType()) {
            var map = JsonNodeFactory.instance.objectNode();
            map.set("k1", sample(type.getContentType(), depth + 1, name));
            map.set("k2", sample(type.getContentType(), depth + 2, name));
            return map;
        }
        var object = JsonNodeFactory.instance.objectNode();
        if (depth > 12 || !raw.getPackageName().startsWith("io.fabric8")) {
            return object;
        }
        var config = ModelJson.MAPPER.getDeserializationConfig();
        for (var property : config.introspect(type).findProperties()) {
            if (property.getSetter() != null && !property.getName().equals("managedFields")) {
                var parameter = property.getSetter().getParameterType(0);
                if (parameter.getRawClass() != Object.class) {
                    object.set(property.getName(), sample(parameter, depth + 1, property.getName()));
                }
            }
        }
        return object;
    }
}
