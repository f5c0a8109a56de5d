package dev.sidecarinjector.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.config.InjectionSettingsFactory;
import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarTemplates;
import dev.sidecarinjector.inject.SkipReason;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What can be proven of the kind flow without Docker: the scripts pass shellcheck, every Makefile target of
 * the flow expands ({@code make -n}), the demo workloads are valid and inject as the demo says, and the
 * image's user is the one the chart runs as.
 */
class KindFlowIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void hackScriptsPassShellcheck() throws Exception {
        assumeTrue(onPath("shellcheck"), "shellcheck is not installed here, so hack/ is not checked (CI installs it: .ci/run)");
        List<String> scripts;
        try (Stream<Path> files = Files.list(Path.of("hack"))) {
            scripts = files.filter(f -> f.toString().endsWith(".sh")).map(Path::toString).sorted().toList();
        }
        assertTrue(scripts.contains("hack/kind.sh") && scripts.contains("hack/helm.sh"), scripts.toString());
        var command = new ArrayList<>(List.of("shellcheck", "--severity=style", "--external-sources"));
        command.addAll(scripts);
        var result = run(command);
        assertEquals(0, result.exitCode(), "shellcheck findings:\n" + result.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"images", "kind-up", "kind-deploy", "kind-demo", "kind-down", "helm-lint"})
    void makeTargetExpands(String target) throws Exception {
        assumeTrue(onPath("make"), "make is not installed");
        var result = run(List.of("make", "-n", target));
        assertEquals(0, result.exitCode(), "make -n " + target + ":\n" + result.output());
        var expected = target.equals("helm-lint") ? "hack/helm.sh" : "hack/kind.sh " + target.replace("kind-", "");
        assertTrue(result.output().contains(expected), "make -n " + target + " does not run " + expected + ":\n" + result.output());
    }

    @Test
    void kindScriptNamesWhatIsMissing() throws Exception {
        // A PATH with only the basic commands: docker, kind and kubectl are all missing, and the script must
        // name each of them before doing anything.
        var bin = Files.createTempDirectory("kind-path");
        for (var tool : List.of("bash", "dirname", "grep", "sed")) {
            var found = Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(dir -> Path.of(dir, tool))
                    .filter(Files::isExecutable).findFirst().orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        var process = new ProcessBuilder(bin.resolve("bash").toString(), "hack/kind.sh", "up").redirectErrorStream(true);
        process.environment().put("PATH", bin.toString());
        var started = process.start();
        var output = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(started.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, started.exitValue(), output);
        for (var tool : List.of("docker", "kind", "kubectl")) {
            assertTrue(output.contains("  - " + tool), "no word about " + tool + ":\n" + output);
        }
    }

    @Test
    void demoWorkloadsAreValidAndInjectAsTheDemoSays() throws Exception {
        var settings = InjectionSettingsFactory.from(InjectionSettingsFactory.standaloneConfig(Optional.empty()));
        var facts = new AdmissionFacts("CREATE", "demo", Map.of("istio-injection", "enabled"), true);
        var outcomes = new java.util.TreeMap<String, String>();
        for (var file : List.of("server.yaml", "client.yaml", "opted-out.yaml")) {
            var documents = RenderedChart.parse(Files.readString(Path.of("examples/kind", file)));
            for (var document : documents.documents()) {
                assertEquals(List.of(), StrictModel.unknownFields(document), file);
                if (!document.path("kind").asText().equals("Deployment")) {
                    continue;
                }
                var template = document.path("spec").path("template");
                var pod = JSON.treeToValue(JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod")
                        .setAll(Map.of("metadata", template.path("metadata"), "spec", template.path("spec"))), Pod.class);
                var result = SidecarInjector.inject(pod, facts, settings, SidecarTemplates.builtIn());
                outcomes.put(document.path("metadata").path("name").asText(), switch (result) {
                    case InjectionResult.Injected injected -> "injected";
                    case InjectionResult.Skipped skipped -> skipped.decision().reason().tag();
                    case InjectionResult.Rejected rejected -> "rejected: " + rejected.message();
                });
            }
        }
        assertEquals(Map.of("client", "injected", "server", "injected", "opted-out", SkipReason.POD_LABEL_OPT_OUT.tag()), outcomes);
    }

    @Test
    void imageUserIsTheUserTheChartRunsAs() throws Exception {
        var dockerfile = Files.readAllLines(Path.of("Dockerfile"));
        var user = dockerfile.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        var values = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(Helm.CHART.resolve("values.yaml").toFile());
        var context = values.path("podSecurityContext");
        assertEquals("USER " + context.path("runAsUser").asInt() + ":" + context.path("runAsGroup").asInt(), user.strip());
        assertTrue(context.path("runAsUser").asInt() > 0, "the image must not run as root");
        assertTrue(dockerfile.stream().anyMatch(l -> l.contains("/opt/sidecar-injector/quarkus-run.jar")), "ENTRYPOINT must run the fast-jar");
    }

    /** make bench's webhook runs (bench/lib.sh, for webhook.sh and ab-webhook.sh) measure the image's JVM: its heap flags, its compiler and its thresholds, the same values. */
    @Test
    void benchRunsTheWebhookWithTheImagesJvmFlags() throws Exception {
        var flag = java.util.regex.Pattern.compile("-XX:((MaxRAMPercentage|NewSize|TrimNativeHeapInterval|Tier[34]\\w+)=(\\w+)|[+-]TieredCompilation)");
        var image = new java.util.TreeSet<String>();
        var entrypoint = Files.readString(Path.of("Dockerfile"));
        entrypoint = entrypoint.substring(entrypoint.indexOf("ENTRYPOINT ["), entrypoint.indexOf("CMD ["));
        flag.matcher(entrypoint).results().forEach(m -> image.add(m.group()));
        var bench = new java.util.TreeSet<String>();
        var script = Files.readString(Path.of("bench/lib.sh"));
        script = script.substring(script.indexOf("WEBHOOK_JAVA_OPTS=("), script.indexOf(")", script.indexOf("WEBHOOK_JAVA_OPTS=(")));
        flag.matcher(script).results().forEach(m -> bench.add(m.group()));
        assertTrue(image.stream().anyMatch(f -> f.startsWith("-XX:Tier4")), "the image sets its C2 thresholds: " + image);
        assertTrue(image.contains("-XX:-TieredCompilation"), "the image runs C2 alone: " + image);
        assertEquals(image, bench);
    }

    @Test
    void proxyImageBuildsFromTheRootWithMeshApiFirst() throws Exception {
        // The proxy shades mesh-api: its image must be built with the repository root as context, install mesh-api
        // before the proxy's build resolves its dependencies, and find every file it copies in that context.
        assertTrue(Files.readString(Path.of("hack/kind.sh")).contains("--file proxy/Dockerfile ."),
                "hack/kind.sh must build the proxy image with --file proxy/Dockerfile and the root as context");
        var dockerfile = Files.readAllLines(Path.of("proxy/Dockerfile"));
        var meshApiInstall = indexOf(dockerfile, "-f mesh-api/pom.xml -DskipTests install");
        var proxyResolve = indexOf(dockerfile, "-f proxy/pom.xml dependency:go-offline");
        assertTrue(meshApiInstall >= 0 && proxyResolve > meshApiInstall, "proxy/Dockerfile installs mesh-api before the proxy resolves it");
        var ignored = Files.readAllLines(Path.of(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.replace("**/", "")).toList();
        for (var line : dockerfile) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                var source = line.split("\\s+")[1];
                assertTrue(Files.exists(Path.of(source)), "proxy/Dockerfile copies " + source + ", which the root context lacks");
                assertTrue(ignored.stream().noneMatch(pattern -> (source + "/").startsWith(pattern)),
                        "proxy/Dockerfile copies " + source + ", which .dockerignore leaves out of the context");
            }
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (var i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private record Output(int exitCode, String output) {
    }

    private static Output run(List<String> command) throws Exception {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), String.join(" ", command) + " hung");
        return new Output(process.exitValue(), output);
    }
}
