package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.admission.WarningText;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One scenario per folder under {@code src/test/resources/golden/webhook}: {@code input.yaml} (namespace, its
 * labels, the operation, settings and the pod) and {@code expected.yaml} (the outcome and the injected pod).
 * Run with {@code -Dgolden.update=true} to rewrite the expected files, then read the diff.
 */
class GoldenInjectionTest {

    private static final Path ROOT = Path.of("src/test/resources/golden/webhook");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> goldenScenarios() throws Exception {
        var scenarios = Golden.scenarios(ROOT);
        assertTrue(scenarios.size() >= 30, "expected at least 30 golden scenarios, found " + scenarios.size());
        return scenarios.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private static void check(Path dir) throws Exception {
        var input = Golden.YAML.readTree(dir.resolve("input.yaml").toFile());
        var podJson = (ObjectNode) input.get("pod");
        var pod = JSON.treeToValue(podJson, Pod.class);
        var settings = settings(input.path("settings"));
        var facts = new AdmissionFacts(input.path("operation").asText("CREATE"), input.path("namespace").asText(),
                labels(input.path("namespaceLabels")), true);
        var result = SidecarInjector.inject(pod, facts, settings, SidecarTemplates.builtIn());

        var actual = JSON.createObjectNode();
        switch (result) {
            case InjectionResult.Injected injected -> {
                actual.put("outcome", "injected");
                actual.put("explanation", injected.decision().explanation());
                // The patch, applied to the pod exactly as written, must give the pod the assembly renders.
                var patched = JsonPatch.apply(injected.patch().tree(), podJson);
                var rendered = PodAssembly.render(pod, injected.decision(), settings, SidecarTemplates.builtIn(), facts).pod(pod);
                assertEquals(JSON.valueToTree(rendered), JSON.valueToTree(JSON.treeToValue(patched, Pod.class)),
                        "patch applied to the input differs from the rendered pod");
                actual.set("pod", patched);
                var vaultConfigs = vaultConfigs(patched);
                if (!vaultConfigs.isEmpty()) {
                    actual.set("vaultConfig", vaultConfigs);
                }
                var statusPort = StatusPort.listening(PodOverrides.read(PodFields.annotations(pod), settings).statusPort(), settings.ports());
                var appProbers = AppProbersCheck.check(patched, statusPort);
                if (appProbers != null) {
                    actual.set("appProbers", appProbers);
                }
                var parsed = JSON.treeToValue(patched, Pod.class);
                assertEquals(java.util.List.of(), ModelStrictness.unknownFields(parsed, "pod"), "unknown fields in the injected pod");
                var again = SidecarInjector.inject(parsed, facts, settings, SidecarTemplates.builtIn());
                var skip = assertInstanceOf(InjectionResult.Skipped.class, again, "a second pass must not inject");
                assertEquals(SkipReason.ALREADY_INJECTED, skip.decision().reason());
            }
            case InjectionResult.Skipped skipped -> {
                actual.put("outcome", "skipped");
                actual.put("reason", skipped.decision().reason().tag());
                actual.put("explanation", skipped.decision().explanation());
            }
            case InjectionResult.Rejected rejected -> {
                actual.put("outcome", "rejected");
                actual.put("reason", rejected.reason().tag());
                actual.put("message", rejected.message());
            }
        }
        warnings(result.warnings(), actual);
        Golden.compare(dir.resolve("expected.yaml"), actual);
    }

    /**
     * The warnings by kind, as the core gives them; and, where the API server could not take them as they are (a
     * control character, too long, too many), the review's copy too ({@link WarningText}).
     */
    private static void warnings(java.util.List<InjectionWarning> warnings, ObjectNode actual) {
        if (warnings.isEmpty()) {
            return;
        }
        var list = actual.putArray("warnings");
        warnings.forEach(warning -> list.addObject().put("kind", warning.kind().tag()).put("message", warning.message()));
        var messages = warnings.stream().map(InjectionWarning::message).toList();
        var review = WarningText.bounded(messages);
        if (!review.equals(messages)) {
            actual.set("reviewWarnings", JSON.valueToTree(review));
        }
    }

    /** The Vault Agent configuration each agent container starts with, decoded from VAULT_CONFIG so a reviewer can read it. */
    private static ObjectNode vaultConfigs(JsonNode pod) throws Exception {
        var configs = JSON.createObjectNode();
        for (var list : java.util.List.of("initContainers", "containers")) {
            for (var container : pod.path("spec").path(list)) {
                for (var env : container.path("env")) {
                    if (env.path("name").asText().equals("VAULT_CONFIG")) {
                        var json = new String(java.util.Base64.getDecoder().decode(env.path("value").asText()), java.nio.charset.StandardCharsets.UTF_8);
                        configs.set(container.path("name").asText(), JSON.readTree(json));
                    }
                }
            }
        }
        return configs;
    }

    static InjectionSettings settings(JsonNode overrides) {
        var properties = new LinkedHashMap<String, String>();
        overrides.fields().forEachRemaining(entry -> properties.put(entry.getKey(), entry.getValue().asText()));
        return TestSettings.with(properties);
    }

    private static Map<String, String> labels(JsonNode node) {
        var labels = new LinkedHashMap<String, String>();
        node.fields().forEachRemaining(entry -> labels.put(entry.getKey(), entry.getValue().asText()));
        return labels;
    }
}
