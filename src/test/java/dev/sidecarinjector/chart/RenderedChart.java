package dev.sidecarinjector.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The documents {@code helm template} printed, as trees, with lookups by kind and name. */
record RenderedChart(List<JsonNode> documents) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static RenderedChart parse(String manifest) throws IOException {
        var documents = new ArrayList<JsonNode>();
        try (var parser = YAML.getFactory().createParser(manifest)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                var document = it.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        }
        return new RenderedChart(documents);
    }

    List<JsonNode> all(String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    /** The one document of a kind that is not a helm test hook; fails when there are none or several. */
    JsonNode one(String kind) {
        var found = all(kind).stream().filter(d -> !isTestHook(d)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " besides test hooks, found " + found.size());
        }
        return found.getFirst();
    }

    /** The webhook's own ConfigMap (injector.properties and the templates); secret mode renders a second, the root certificate. */
    JsonNode appConfigMap() {
        var found = all("ConfigMap").stream().filter(d -> !isTestHook(d) && d.path("data").has("injector.properties")).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one ConfigMap with injector.properties, found " + found.size());
        }
        return found.getFirst();
    }

    List<JsonNode> testHooks() {
        return documents.stream().filter(RenderedChart::isTestHook).toList();
    }

    static boolean isTestHook(JsonNode document) {
        return "test".equals(document.path("metadata").path("annotations").path("helm.sh/hook").asText());
    }
}
