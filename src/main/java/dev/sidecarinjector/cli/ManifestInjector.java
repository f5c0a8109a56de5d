package dev.sidecarinjector.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarTemplates;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Injects every pod template in a multi-document YAML stream. Each pod goes through {@link SidecarInjector} and
 * the resulting JSON Patch is applied to the document as written, exactly as the API server applies the webhook's.
 */
final class ManifestInjector {

    private static final YAMLMapper YAML = KubernetesYaml.MAPPER;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where each workload kind keeps its pod template. */
    private static final Map<String, List<String>> TEMPLATE_PATHS = Map.of(
            "Deployment", List.of("spec", "template"),
            "StatefulSet", List.of("spec", "template"),
            "DaemonSet", List.of("spec", "template"),
            "ReplicaSet", List.of("spec", "template"),
            "ReplicationController", List.of("spec", "template"),
            "Job", List.of("spec", "template"),
            "CronJob", List.of("spec", "jobTemplate", "spec", "template"));

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

    /** The injected YAML, one line of explanation per object, and the errors (none printed output when there are errors). */
    record Result(String yaml, List<String> explanations, List<String> errors) {
    }

    Result inject(String input) {
        var explanations = new ArrayList<String>();
        var errors = new ArrayList<String>();
        var output = new StringBuilder();
        List<JsonNode> documents;
        try (var parser = YAML.getFactory().createParser(input)) {
            documents = YAML.readValues(parser, JsonNode.class).readAll();
        } catch (IOException e) {
            return new Result("", explanations, List.of("input is not valid YAML: " + e.getMessage().lines().findFirst().orElse("")));
        }
        var index = 0;
        for (var document : documents) {
            index++;
            if (document == null || document.isNull() || document.isMissingNode()) {
                continue;
            }
            var label = "document " + index;
            var injected = injectObject(document, label, explanations, errors);
            if (!output.isEmpty()) {
                output.append("---\n");
            }
            try {
                output.append(YAML.writeValueAsString(injected));
            } catch (JsonProcessingException e) {
                errors.add(label + ": cannot be written as YAML: " + e.getOriginalMessage());
            }
        }
        return new Result(errors.isEmpty() ? output.toString() : "", explanations, errors);
    }

    private JsonNode injectObject(JsonNode object, String label, List<String> explanations, List<String> errors) {
        if (!object.isObject()) {
            errors.add(label + ": not a Kubernetes object (a mapping with apiVersion and kind)");
            return object;
        }
        var copy = (ObjectNode) object.deepCopy();
        var kind = copy.path("kind").asText("");
        var name = copy.path("metadata").path("name").asText(copy.path("metadata").path("generateName").asText(""));
        var namespace = copy.path("metadata").path("namespace").asText(defaultNamespace);
        var where = label + " (" + (kind.isEmpty() ? "no kind" : kind) + " " + namespace + "/" + name + ")";
        if (kind.equals("List") && copy.path("items").isArray()) {
            var items = copy.withArray("items");
            for (var i = 0; i < items.size(); i++) {
                items.set(i, injectObject(items.get(i), label + " item " + (i + 1), explanations, errors));
            }
            return copy;
        }
        if (kind.equals("Pod")) {
            return injectPod(copy, AdmissionFacts.manual(namespace, namespaceLabels), where, "", explanations, errors);
        }
        var path = TEMPLATE_PATHS.get(kind);
        if (path == null) {
            explanations.add(where + ": passed through, not a workload");
            return copy;
        }
        var parent = copy;
        for (var step : path.subList(0, path.size() - 1)) {
            if (!(parent.get(step) instanceof ObjectNode next)) {
                errors.add(where + ": " + String.join(".", path) + " is missing");
                return copy;
            }
            parent = next;
        }
        var field = path.getLast();
        if (!(parent.get(field) instanceof ObjectNode template)) {
            errors.add(where + ": " + String.join(".", path) + " is missing");
            return copy;
        }
        var pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.set("metadata", template.has("metadata") ? template.get("metadata") : JSON.createObjectNode());
        pod.set("spec", template.get("spec"));
        // As istioctl kube-inject: the pods' canonical name falls back to the workload's own name.
        var facts = AdmissionFacts.manual(namespace, namespaceLabels, copy.path("metadata").path("name").asText(""));
        var injected = injectPod(pod, facts, where, String.join(".", path) + ".", explanations, errors);
        var result = JSON.createObjectNode();
        result.set("metadata", injected.get("metadata"));
        result.set("spec", injected.get("spec"));
        parent.set(field, result);
        return copy;
    }

    private JsonNode injectPod(ObjectNode podJson, AdmissionFacts facts, String where, String fieldPrefix,
                               List<String> explanations, List<String> errors) {
        Pod pod;
        try {
            pod = JSON.treeToValue(podJson, Pod.class);
        } catch (JsonProcessingException e) {
            errors.add(where + ": " + fieldPrefix + "is not a valid pod: " + e.getOriginalMessage());
            return podJson;
        }
        var result = SidecarInjector.inject(pod, facts, settings, templates);
        return switch (result) {
            case InjectionResult.Injected injected -> {
                explanations.add(where + ": " + injected.decision().explanation());
                yield JsonPatch.apply(injected.patch(), podJson);
            }
            case InjectionResult.Skipped skipped -> {
                explanations.add(where + ": " + skipped.decision().explanation());
                yield podJson;
            }
            case InjectionResult.Rejected rejected -> {
                errors.add(where + ": " + rejected.message());
                yield podJson;
            }
        };
    }
}
