package dev.sidecarinjector.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sidecarinjector.api.text.ShownValue;
import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.BindingError;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.InjectionWarning;
import dev.sidecarinjector.inject.ModelJson;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarTemplates;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Injects every pod template in a multi-document YAML stream. Each pod goes through {@link SidecarInjector} and
 * the resulting JSON Patch is applied to the document as written, exactly as the API server applies the webhook's.
 */
final class ManifestInjector {

    private static final YAMLMapper YAML = KubernetesYaml.MAPPER;
    private static final ObjectMapper JSON = ModelJson.nullsAsTheApiServerReadsThem(JsonMapper.builder()).build();
    private final InjectionSettings settings;
    private final SidecarTemplates templates;
    private final String defaultNamespace;
    private final Map<String, String> namespaceLabels;

    ManifestInjector(InjectionSettings settings, SidecarTemplates templates, String defaultNamespace, Map<String, String> namespaceLabels) {
        this.settings = settings;
        this.templates = templates;
        this.defaultNamespace = defaultNamespace;
        this.namespaceLabels = namespaceLabels;
    }

    /**
     * One line of explanation per object, the warnings about its pods (as the webhook returns them), and the errors
     * (no output is to be printed when there are errors).
     */
    record Result(List<String> explanations, List<String> warnings, List<String> errors) {
    }

    /**
     * Injects every document of {@code input} and appends the result to {@code output}, one document after the other,
     * until the first error; then goes on only to name the errors of the documents after it.
     */
    Result inject(String input, Appendable output) {
        var explanations = new ArrayList<String>();
        var warnings = new ArrayList<String>();
        var errors = new ArrayList<String>();
        var written = 0;
        // A key written twice in one mapping is refused, as kubectl (go-yaml) refuses it, instead of the last one winning.
        try (var documents = new YamlDocuments(input)) {
            for (var document = documents.next(); document != null; document = documents.next()) {
                if (document.isNull() || document.isMissingNode() || (document.isTextual() && document.textValue().isEmpty())) {
                    continue; // an empty document, as a trailing "---" makes: kubectl skips it too
                }
                var label = "document " + documents.index();
                var injected = injectObject(document, label, new Notes(explanations, warnings, errors));
                if (errors.isEmpty()) {
                    write(injected, label, written++ > 0, output, errors);
                }
            }
        } catch (InvalidManifestException e) {
            errors.add(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(explanations, warnings, errors);
    }

    /** Where one pass puts what it has to say about the documents. */
    private record Notes(List<String> explanations, List<String> warnings, List<String> errors) {
    }

    private static void write(JsonNode document, String label, boolean separate, Appendable output, List<String> errors) throws IOException {
        String yaml;
        try {
            yaml = YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            errors.add(label + ": cannot be written as YAML: " + e.getOriginalMessage());
            return;
        }
        output.append(separate ? "---\n" : "").append(yaml);
    }

    private JsonNode injectObject(JsonNode object, String label, Notes notes) {
        if (!object.isObject()) {
            notes.errors().add(label + ": not a Kubernetes object (a mapping with apiVersion and kind)");
            return object;
        }
        var copy = (ObjectNode) object.deepCopy();
        for (var field : List.of("apiVersion", "kind")) {
            var value = copy.get(field);
            if (value != null && !value.isTextual() && !value.isNull()) {
                notes.errors().add(label + ": " + field + ": " + ShownValue.of(value.toString(), "") + " is not a string (kubectl refuses the object)");
                return copy;
            }
        }
        var kind = copy.path("kind").asText("");
        var apiVersion = copy.path("apiVersion").asText("");
        var name = copy.path("metadata").path("name").asText(copy.path("metadata").path("generateName").asText(""));
        var namespace = copy.path("metadata").path("namespace").asText(defaultNamespace);
        var where = label + " (" + (kind.isEmpty() ? "no kind" : kind) + " " + namespace + (name.isEmpty() ? ", no name" : "/" + name) + ")";
        if (apiVersion.isEmpty() && (WorkloadKinds.isWorkloadKind(kind) || kind.equals("List"))) {
            notes.errors().add(where + ": apiVersion is missing (kubectl refuses the object without it)");
            return copy;
        }
        if (WorkloadKinds.isList(apiVersion, kind) && !copy.path("items").isArray() && copy.hasNonNull("items")) {
            notes.errors().add(where + ": items is not a list but " + copy.get("items").getNodeType().name().toLowerCase(Locale.ROOT)
                    + " (a List holds its objects in items: [...])");
            return copy;
        }
        if (WorkloadKinds.isList(apiVersion, kind)) {
            var items = copy.path("items");
            if (items.isArray()) {
                for (var i = 0; i < items.size(); i++) {
                    ((ArrayNode) items).set(i, injectObject(items.get(i), label + " item " + (i + 1), notes));
                }
            }
            return copy;
        }
        var found = WorkloadKinds.templatePath(apiVersion, kind);
        if (found.isEmpty()) {
            notes.explanations().add(where + ": passed through, not a workload"
                    + (WorkloadKinds.isWorkloadKind(kind) ? " (" + kind + " of " + apiVersion + ", not of an API group that kube-inject injects)" : ""));
            return copy;
        }
        var path = found.get();
        if (path.isEmpty()) {
            return injectPod(copy, AdmissionFacts.manual(namespace, namespaceLabels), where, "", notes);
        }
        var parent = copy;
        for (var step : path.subList(0, path.size() - 1)) {
            if (!(parent.get(step) instanceof ObjectNode next)) {
                notes.errors().add(where + ": " + String.join(".", path) + " is missing");
                return copy;
            }
            parent = next;
        }
        var field = path.getLast();
        if (!(parent.get(field) instanceof ObjectNode template)) {
            notes.errors().add(where + ": " + String.join(".", path) + " is missing");
            return copy;
        }
        var pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.set("metadata", template.has("metadata") ? template.get("metadata") : JSON.createObjectNode());
        pod.set("spec", template.get("spec"));
        // As istioctl kube-inject: the pods' canonical name falls back to the workload's own name.
        var facts = AdmissionFacts.manual(namespace, namespaceLabels, copy.path("metadata").path("name").asText(""));
        var injected = injectPod(pod, facts, where, String.join(".", path) + ".", notes);
        var result = JSON.createObjectNode();
        result.set("metadata", injected.get("metadata"));
        result.set("spec", injected.get("spec"));
        parent.set(field, result);
        return copy;
    }

    /**
     * An annotation or label whose value YAML read as a number, a boolean, a list or a mapping (an unquoted
     * {@code true} or {@code 1.10}): kubectl refuses it, and bound as a string it would not be what was written
     * ({@code 1.10} is the number 1.1). Named with its field and value; null when there is none. A null value is
     * the empty string, as kubectl sends it.
     */
    private static String notAString(ObjectNode podJson, String fieldPrefix) {
        for (var map : List.of("annotations", "labels")) {
            var values = podJson.path("metadata").path(map);
            for (var entry : values.properties()) {
                var value = entry.getValue();
                if (!value.isTextual() && !value.isNull()) {
                    var shown = ShownValue.of(value.isValueNode() ? value.asText() : value.toString(), "");
                    return fieldPrefix + "metadata." + map + "." + entry.getKey() + ": " + shown + " is not a string (quote it)";
                }
            }
        }
        return null;
    }

    private JsonNode injectPod(ObjectNode podJson, AdmissionFacts facts, String where, String fieldPrefix, Notes notes) {
        var notString = notAString(podJson, fieldPrefix);
        if (notString != null) {
            notes.errors().add(where + ": " + notString);
            return podJson;
        }
        Pod pod;
        try {
            pod = JSON.treeToValue(podJson, Pod.class);
        } catch (JsonProcessingException e) {
            var field = fieldPrefix + BindingError.fieldPath(e).replaceFirst("^\\.", "");
            notes.errors().add(where + ": " + (field.isEmpty() ? fieldPrefix + "is not a valid pod" : field) + ": " + BindingError.problem(e, podJson));
            return podJson;
        }
        var result = SidecarInjector.inject(pod, facts, settings, templates);
        result.warnings().forEach(warning -> notes.warnings().add(where + ": " + (warning.kind().namesPodField() ? fieldPrefix : "") + warning.message()));
        return switch (result) {
            case InjectionResult.Injected injected -> {
                notes.explanations().add(where + ": " + injected.decision().explanation());
                // A copy: the patch shares the render cache's immutable container JSON, and the applied pod is changed further.
                yield JsonPatch.apply(injected.patch().tree().deepCopy(), podJson);
            }
            case InjectionResult.Skipped skipped -> {
                notes.explanations().add(where + ": " + skipped.decision().explanation());
                yield podJson;
            }
            case InjectionResult.Rejected rejected -> {
                notes.errors().add(where + ": " + rejected.message());
                yield podJson;
            }
        };
    }
}
