package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sidecarinjector.inject.Golden;
import dev.sidecarinjector.inject.ModelStrictness;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** kube-inject as a user runs it: files and stdin in, YAML out, exit codes and messages that name the document. */
class KubeInjectCommandTest {

    private static final Path ROOT = Path.of("src/test/resources/golden/kube-inject");

    record Run(int exit, String out, String err) {
    }

    static Run run(String stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var exit = new KubeInjectCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @TestFactory
    Stream<DynamicTest> goldenManifests() throws Exception {
        return Golden.scenarios(ROOT).stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            var result = run("", "-f", dir.resolve("input.yaml").toString(), "--explain");
            assertEquals(0, result.exit(), result.err());
            Golden.compareText(dir.resolve("expected.yaml"), result.out());
            Golden.compareText(dir.resolve("explain.txt"), result.err());
            for (var document : Golden.YAML.readValues(Golden.YAML.createParser(result.out()), JsonNode.class).readAll()) {
                checkPodTemplates(document);
            }
            var again = run(result.out(), "-f", "-");
            assertEquals(result.out(), again.out(), "a second kube-inject must change nothing");
        }));
    }

    /** Every pod and pod template in the output parses into the Kubernetes model with no unknown field. */
    private static void checkPodTemplates(JsonNode document) throws Exception {
        var kind = document.path("kind").asText();
        if (kind.equals("List")) {
            for (var item : document.path("items")) {
                checkPodTemplates(item);
            }
        } else if (kind.equals("Pod")) {
            assertEquals(List.of(), ModelStrictness.unknownFields(Golden.YAML.treeToValue(document, Pod.class), "pod"));
        } else {
            var template = kind.equals("CronJob") ? document.at("/spec/jobTemplate/spec/template") : document.at("/spec/template");
            if (!template.isMissingNode()) {
                assertEquals(List.of(), ModelStrictness.unknownFields(Golden.YAML.treeToValue(template, PodTemplateSpec.class), "template"));
            }
        }
    }

    @Test
    void readsStandardInput() throws Exception {
        var input = Files.readString(ROOT.resolve("job/input.yaml"));
        var result = run(input, "-f", "-");
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().contains("name: sidecar-proxy"));
        assertEquals(result.out(), run(input, "--filename=-").out(), "--flag=value works like --flag value");
    }

    @Test
    void invalidDocumentIsNamedAndNothingIsPrinted() {
        var input = """
                apiVersion: v1
                kind: Pod
                metadata: {name: fine}
                spec: {containers: [{name: a, image: a}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    metadata:
                      annotations: {traffic.sidecar.istio.io/excludeOutboundPorts: "80x"}
                    spec: {containers: [{name: a, image: a}]}
                """;
        var result = run(input, "-f", "-");
        assertEquals(1, result.exit());
        assertEquals("", result.out(), "nothing is half-printed");
        assertTrue(result.err().contains("document 2 (Deployment shop/web)"), result.err());
        assertTrue(result.err().contains("traffic.sidecar.istio.io/excludeOutboundPorts: \"80x\" is not a port"), result.err());
    }

    @Test
    void workloadWithoutTemplateIsNamed() {
        var result = run("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n", "-f", "-");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("document 1 (Deployment default/web): spec.template is missing"), result.err());
    }

    @Test
    void invalidYamlIsAnError() {
        var result = run("kind: Pod\n  metadata: [\n", "-f", "-");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("not valid YAML"), result.err());
    }

    @Test
    void disabledNamespaceLabelStillOptsOut() {
        var result = run("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: a}]}\n",
                "-f", "-", "--namespace-labels", "istio-injection=disabled", "--explain");
        assertEquals(0, result.exit());
        assertTrue(result.err().contains("namespace_disabled"), result.err());
        assertTrue(!result.out().contains("sidecar-proxy"));
    }

    @Test
    void configFileAndTemplatesDirectoryApply(@TempDir Path dir) throws Exception {
        var config = dir.resolve("injector.properties");
        Files.writeString(config, "injector.proxy.image=registry.example.com/sidecar-proxy:9.9\ninjector.proxy.placement=native\n");
        var result = run(Files.readString(ROOT.resolve("job/input.yaml")), "-f", "-", "--config", config.toString(), "--templates", dir.toString());
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().contains("image: registry.example.com/sidecar-proxy:9.9"));
        assertTrue(result.out().contains("restartPolicy: Always"));
    }

    @Test
    void controlPlaneFromTheConfigFileIsInjectedAsByTheWebhook(@TempDir Path dir) throws Exception {
        var config = dir.resolve("injector.properties");
        Files.writeString(config, "injector.mesh.control-plane-address=sidecar-injector.sidecar-injector-system.svc:15012\n");
        var result = run(Files.readString(ROOT.resolve("job/input.yaml")), "-f", "-", "--config", config.toString());
        assertEquals(0, result.exit(), result.err());
        for (var expected : List.of("- --control-plane\n", "- sidecar-injector.sidecar-injector-system.svc:15012\n",
                "- --root-cert\n", "- --token-file\n", "audience: istio-ca\n", "name: istio-ca-root-cert\n")) {
            assertTrue(result.out().contains(expected), "no " + expected.strip() + " in:\n" + result.out());
        }
        Files.writeString(config, "injector.mesh.control-plane-address=sidecar-injector:fifteen\n");
        result = run("", "-f", "-", "--config", config.toString());
        assertEquals(2, result.exit());
        assertTrue(result.err().contains("injector.mesh.control-plane-address: \"sidecar-injector:fifteen\""), result.err());
    }

    @Test
    void badConfigPropertyIsNamed(@TempDir Path dir) throws Exception {
        var config = dir.resolve("injector.properties");
        Files.writeString(config, "injector.interception.exclude-outbound-ports=80x\n");
        var result = run("", "-f", "-", "--config", config.toString());
        assertEquals(2, result.exit());
        assertTrue(result.err().contains("injector.interception.exclude-outbound-ports: \"80x\""), result.err());
    }

    @Test
    void usageErrors() {
        assertEquals(2, run("").exit());
        assertEquals(2, run("", "-f").exit());
        assertEquals(2, run("", "-f", "x.yaml", "--bogus").exit());
        assertEquals(2, run("", "-f", "/does/not/exist.yaml").exit());
        assertEquals(0, run("", "--help").exit());
    }
}
