package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sidecarinjector.cli.KubernetesYaml;
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
}
