package dev.sidecarinjector.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sidecarinjector.config.InjectionSettingsFactory;
import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.PatchedPods;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarTemplates;
import dev.sidecarinjector.templates.TemplateStore;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * No drift between the chart and the app: the injection templates in the rendered ConfigMap, loaded the way the
 * webhook loads its mounted directory, inject every golden scenario exactly as the built-in templates do.
 * The chart cannot drift by construction (files/templates is a symlink to src/main/resources/templates);
 * this test holds whatever the mechanism, and also proves the ConfigMap's YAML keeps every byte.
 */
class ChartTemplatesIT {

    private static final Path GOLDEN = Path.of("src/test/resources/golden/webhook");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path mounted;

    @Test
    void chartShipsTheAppsTemplatesByteForByte() throws Exception {
        var data = configMapData(ChartRenderIT.render("defaults.yaml"));
        assertEquals(SidecarTemplates.builtInSources(), templatesOf(data));
        var link = Helm.CHART.resolve("files/templates");
        assertTrue(Files.isSymbolicLink(link), link + " must stay a symlink to the app's templates, so the two cannot drift");
        assertEquals(Path.of("src/main/resources/templates").toRealPath(), link.toRealPath());
    }

    @Test
    void aTemplateOverrideReplacesOnlyThatFileAndAnAddedOneIsMountedToo() throws Exception {
        var chart = ChartRenderIT.render("template-override.yaml");
        var data = templatesOf(configMapData(chart));
        var builtIn = SidecarTemplates.builtInSources();
        assertEquals(builtIn.get(SidecarTemplates.PROXY), data.get(SidecarTemplates.PROXY));
        assertEquals(builtIn.get(SidecarTemplates.INIT), data.get(SidecarTemplates.INIT));
        assertEquals(builtIn.get("vault-agent.yaml"), data.get("vault-agent.yaml"));
        assertTrue(data.get(SidecarTemplates.RESOURCES).contains("cpu: 10m"), data.get(SidecarTemplates.RESOURCES));
        var added = configMapData(chart).path("debug-shell.yaml").asText();
        assertTrue(added.contains("name: debug-shell"), added);
        var items = new java.util.ArrayList<String>();
        chart.all("Deployment").getFirst().at("/spec/template/spec/volumes").forEach(volume -> volume.path("configMap").path("items")
                .forEach(item -> items.add(item.path("path").asText())));
        assertTrue(items.contains("templates/debug-shell.yaml"), "the added template is mounted: " + items);
        // The override is a template set the webhook accepts (it renders a valid sample pod), with the added template in it.
        var dir = Files.createDirectories(mounted.resolve("override"));
        write(dir, data);
        Files.writeString(dir.resolve("debug-shell.yaml"), added, StandardCharsets.UTF_8);
        var store = new TemplateStore(Optional.of(dir), settings(YAML.createObjectNode()));
        assertEquals(Optional.empty(), store.lastError());
        assertTrue(store.current().orElseThrow().names().contains("debug-shell"));
    }

    @TestFactory
    Stream<DynamicTest> chartTemplatesInjectEveryGoldenScenarioLikeTheBuiltInOnes() throws Exception {
        var dir = Files.createDirectories(mounted.resolve("defaults"));
        write(dir, templatesOf(configMapData(ChartRenderIT.render("defaults.yaml"))));
        try (var scenarios = Files.list(GOLDEN)) {
            var list = scenarios.filter(Files::isDirectory).sorted().toList();
            assertTrue(list.size() >= 30, "expected the golden scenarios under " + GOLDEN);
            return list.stream().map(scenario -> DynamicTest.dynamicTest(scenario.getFileName().toString(), () -> compare(scenario, dir)));
        }
    }

    private static void compare(Path scenario, Path dir) throws Exception {
        var input = YAML.readTree(scenario.resolve("input.yaml").toFile());
        var pod = JSON.treeToValue(input.get("pod"), Pod.class);
        var settings = settings(input.path("settings"));
        var facts = new AdmissionFacts(input.path("operation").asText("CREATE"), input.path("namespace").asText(),
                labels(input.path("namespaceLabels")), true);
        var store = new TemplateStore(Optional.of(dir), settings);
        assertEquals(Optional.empty(), store.lastError(), "the webhook would refuse the chart's templates");
        var fromChart = SidecarInjector.inject(pod, facts, settings, store.current().orElseThrow());
        var builtIn = SidecarInjector.inject(pod, facts, settings, SidecarTemplates.builtIn());
        assertEquals(describe(pod, builtIn), describe(pod, fromChart));
    }

    private static String describe(Pod pod, InjectionResult result) throws Exception {
        return switch (result) {
            case InjectionResult.Injected injected -> "injected\n" + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(PatchedPods.apply(pod, injected))
                    + "\npatch " + injected.patch();
            case InjectionResult.Skipped skipped -> "skipped " + skipped.decision().reason().tag();
            case InjectionResult.Rejected rejected -> "rejected " + rejected.reason().tag() + ": " + rejected.message();
        };
    }

    private static InjectionSettings settings(JsonNode overrides) throws Exception {
        var properties = new LinkedHashMap<String, String>();
        overrides.fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
        return InjectionSettingsFactory.from(InjectionSettingsFactory.standaloneConfig(Optional.empty(), properties));
    }

    private static Map<String, String> labels(JsonNode node) {
        var labels = new LinkedHashMap<String, String>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static JsonNode configMapData(RenderedChart chart) {
        return chart.appConfigMap().path("data");
    }

    private static Map<String, String> templatesOf(JsonNode data) {
        var templates = new LinkedHashMap<String, String>();
        for (var file : SidecarTemplates.builtInFiles()) {
            assertInstanceOf(com.fasterxml.jackson.databind.node.TextNode.class, data.get(file), "the ConfigMap lacks " + file);
            templates.put(file, data.get(file).asText());
        }
        return templates;
    }

    private static void write(Path dir, Map<String, String> templates) throws Exception {
        for (var entry : templates.entrySet()) {
            Files.writeString(dir.resolve(entry.getKey()), entry.getValue(), StandardCharsets.UTF_8);
        }
    }
}
