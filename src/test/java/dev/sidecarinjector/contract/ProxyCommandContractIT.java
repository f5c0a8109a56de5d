package dev.sidecarinjector.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sidecarinjector.inject.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The webhook's templates and the proxy's commands agree: every distinct command line the golden pods carry
 * (init, run and the postStart wait) is accepted by the real proxy jar. The proxy rejects unknown flags, so
 * a renamed flag on either side fails here, not in a user's pod.
 */
class ProxyCommandContractIT {

    private static final Path JAR = Path.of("proxy/target/sidecar-proxy.jar");

    @TestFactory
    Stream<DynamicTest> renderedCommandsAreAcceptedByTheProxy() throws IOException {
        if (!Files.exists(JAR)) {
            var message = JAR + " is missing: `make test` builds the proxy before the webhook's tests";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            assumeTrue(false, message);
        }
        var commands = new LinkedHashSet<List<String>>();
        for (var dir : Golden.scenarios(Path.of("src/test/resources/golden/webhook"))) {
            var pod = Golden.YAML.readTree(dir.resolve("expected.yaml").toFile()).path("pod");
            for (var list : List.of("initContainers", "containers")) {
                for (var container : pod.path("spec").path(list)) {
                    collect(container, commands);
                }
            }
        }
        assertTrue(commands.stream().anyMatch(c -> c.getFirst().equals("init")) && commands.stream().anyMatch(c -> c.getFirst().equals("run"))
                && commands.stream().anyMatch(c -> c.getFirst().equals("wait")), "goldens cover init, run and wait: " + commands);
        return commands.stream().map(command -> DynamicTest.dynamicTest(String.join(" ", command), () -> accepted(command)));
    }

    private static void collect(JsonNode container, Set<List<String>> commands) {
        var name = container.path("name").asText();
        if (!name.equals("sidecar-init") && !name.equals("sidecar-proxy")) {
            return;
        }
        commands.add(strings(container.path("args")));
        var hook = container.at("/lifecycle/postStart/exec/command");
        if (!hook.isMissingNode()) {
            var command = strings(hook);
            assertEquals("sidecar-proxy", command.getFirst(), "the postStart hook runs the image's launcher");
            commands.add(command.subList(1, command.size()));
        }
    }

    private static List<String> strings(JsonNode array) {
        var values = new ArrayList<String>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static void accepted(List<String> command) throws Exception {
        var line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        line.addAll(command);
        switch (command.getFirst()) {
            case "init", "run" -> line.add("--dry-run");
            // wait has no dry run: nothing listens on a free port, so a zero timeout answers at once.
            case "wait" -> line.addAll(List.of("--timeout-seconds", "0"));
            default -> throw new AssertionError("unexpected proxy command " + command);
        }
        var process = new ProcessBuilder(line).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var exit = process.waitFor();
        // Exit 2 is the proxy's answer to a flag or value it does not take; wait may time out (1), never 2.
        var expected = command.getFirst().equals("wait") ? Set.of(0, 1) : Set.of(0);
        assertTrue(expected.contains(exit), "exit " + exit + " for " + command + ":\n" + output);
    }
}
