package dev.sidecarinjector.inject;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashMap;
import java.util.Map;

/** The variables a named template renders with: {@code pod}, from which a template reads the annotations it needs. */
final class TemplateValues {

    private TemplateValues() {
    }

    static Map<String, Object> of(String template, Pod pod, String namespace, InjectionSettings settings) {
        var annotations = PodFields.annotations(pod);
        var data = new LinkedHashMap<String, Object>();
        data.put("pod", podData(pod, namespace, annotations));
        return data;
    }

    /** What every template may know of the pod; not its name, which differs between the replicas of one workload and would defeat the render cache. */
    private static Map<String, Object> podData(Pod pod, String namespace, Map<String, String> annotations) {
        var serviceAccount = pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
        return Map.of("namespace", namespace, "serviceAccountName", serviceAccount, "annotations", Map.copyOf(annotations));
    }
}
