package dev.sidecarinjector.inject;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables a named template renders with: {@code pod} for every template, and for the built-in names their
 * own values, read and validated from the pod's annotations (a replaced built-in template gets the same values;
 * a template added by configuration gets {@code pod} only and reads annotations itself); and where the mount paths
 * that come from an annotation or a setting came from, so that a clash names it ({@link MountPaths}).
 */
record TemplateValues(Map<String, Object> data, Map<String, MountPaths.Source> mountSources) {

    static TemplateValues of(String template, Pod pod, String namespace, InjectionSettings settings) {
        var annotations = PodFields.annotations(pod);
        var data = new LinkedHashMap<String, Object>();
        data.put("pod", podData(pod, namespace, annotations));
        var defaults = settings.templates();
        Map<String, MountPaths.Source> sources = Map.of();
        switch (template) {
            case TemplateNames.LOG_SHIPPER -> {
                var values = LogShipperValues.read(annotations, defaults.logShipper());
                data.put("logShipper", values.data());
                sources = Map.of(values.logDirectory(), values.logDirectorySource(annotations));
            }
            case TemplateNames.VAULT_AGENT -> data.put("vault", VaultAgentValues.read(annotations, defaults.vault()).data());
            case TemplateNames.CONFIG_RELOADER -> data.put("reloader", ConfigReloaderValues.read(annotations,
                    pod.getSpec() == null || pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes(), defaults.configReloaderImage()).data());
            default -> {
            }
        }
        return new TemplateValues(data, sources);
    }

    /** What every template may know of the pod; not its name, which differs between the replicas of one workload and would defeat the render cache. */
    private static Map<String, Object> podData(Pod pod, String namespace, Map<String, String> annotations) {
        var serviceAccount = pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
        return Map.of("namespace", namespace, "serviceAccountName", serviceAccount, "annotations", Map.copyOf(annotations));
    }
}
