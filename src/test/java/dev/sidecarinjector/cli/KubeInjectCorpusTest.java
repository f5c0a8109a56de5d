package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sidecarinjector.inject.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube-inject over a corpus of workload manifests as people write them (src/test/resources/kube-inject-corpus):
 * bookinfo-style files, Helm output with its comment-only documents, OpenShift DeploymentConfigs, Lists of mixed
 * kinds, every workload kind of Istio's own kube-inject test inputs, and documents that really are broken. For each
 * file, its {@code .decisions} golden holds the exit code and what kube-inject says on stderr with {@code --explain}:
 * the decision for every object, the warnings, or the error naming the document and the field. Never a stack trace;
 * what is printed parses, holds only fields Kubernetes knows, and a second pass changes nothing. A first line
 * {@code # args: ...} adds flags. Rewrite the goldens with {@code -Dgolden.update=true}.
 */
class KubeInjectCorpusTest {

    private static final Path CORPUS = Path.of("src/test/resources/kube-inject-corpus");
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception|\\bCaused by\\b");

    @TestFactory
    Stream<DynamicTest> everyManifestGetsTheRightDecision() throws Exception {
        List<Path> files;
        try (var listing = Files.list(CORPUS)) {
            files = listing.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
    }

    private static void check(Path file) throws Exception {
        var text = Files.readString(file);
        var args = new ArrayList<>(List.of("-f", file.toString(), "--explain"));
        if (text.startsWith("# args:")) {
            args.addAll(Arrays.asList(text.lines().findFirst().orElseThrow().substring("# args:".length()).strip().split(" +")));
        }
        var result = KubeInjectCommandTest.run("", args.toArray(String[]::new));
        assertFalse(STACK_FRAME.matcher(result.err()).find(), "a stack trace or an exception's name on stderr:\n" + result.err());
        Golden.compareText(Path.of(file.toString().replaceFirst("\\.yaml$", ".decisions")), "exit " + result.exit() + "\n" + result.err());
        if (result.exit() != 0) {
            assertEquals("", result.out(), "nothing is printed for input with an error");
            return;
        }
        for (var document : Golden.YAML.readValues(Golden.YAML.createParser(result.out()), JsonNode.class).readAll()) {
            KubeInjectCommandTest.checkPodTemplates(document);
        }
        var again = KubeInjectCommandTest.run(result.out(), args.stream().map(arg -> arg.equals(file.toString()) ? "-" : arg).toArray(String[]::new));
        assertEquals(result.out(), again.out(), "a second kube-inject must change nothing");
    }
}
