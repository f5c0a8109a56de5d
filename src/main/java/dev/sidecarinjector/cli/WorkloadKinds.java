package dev.sidecarinjector.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds kube-inject injects, by API group and kind, as {@code istioctl kube-inject} knows them from the
 * Kubernetes client's scheme and OpenShift's apps group: where each keeps its pod template. A kind of another group
 * (a custom resource that happens to be called Deployment) is not a workload here and passes through.
 */
final class WorkloadKinds {

    private static final List<String> TEMPLATE = List.of("spec", "template");
    private static final List<String> JOB_TEMPLATE = List.of("spec", "jobTemplate", "spec", "template");

    /** Group (empty for core) and kind to the path of the pod template; the Pod itself has none. */
    private static final Map<String, Map<String, List<String>>> BY_GROUP = Map.of(
            "", Map.of("Pod", List.of(), "ReplicationController", TEMPLATE),
            "apps", Map.of("Deployment", TEMPLATE, "StatefulSet", TEMPLATE, "DaemonSet", TEMPLATE, "ReplicaSet", TEMPLATE),
            // The group these were served from before apps/v1 (Kubernetes 1.16 stopped serving it; manifests keep it).
            "extensions", Map.of("Deployment", TEMPLATE, "DaemonSet", TEMPLATE, "ReplicaSet", TEMPLATE),
            "batch", Map.of("Job", TEMPLATE, "CronJob", JOB_TEMPLATE),
            "apps.openshift.io", Map.of("DeploymentConfig", TEMPLATE));

    private WorkloadKinds() {
    }

    /** The API group of an {@code apiVersion} ({@code apps/v1} is apps, {@code v1} the core group). */
    static String group(String apiVersion) {
        var slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** Where a workload of this apiVersion and kind keeps its pod template (empty list: it is a Pod); empty when it is not one. */
    static Optional<List<String>> templatePath(String apiVersion, String kind) {
        return Optional.ofNullable(BY_GROUP.getOrDefault(group(apiVersion), Map.of()).get(kind));
    }

    /** True for a kind some group injects: without an apiVersion it cannot be told from a custom resource. */
    static boolean isWorkloadKind(String kind) {
        return BY_GROUP.values().stream().anyMatch(kinds -> kinds.containsKey(kind));
    }

    /** A v1 List: its items are injected one by one. */
    static boolean isList(String apiVersion, String kind) {
        return kind.equals("List") && group(apiVersion).isEmpty();
    }
}
