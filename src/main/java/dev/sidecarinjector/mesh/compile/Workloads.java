package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/** A Pod as Istio's metrics name it: workload name, service account, canonical service and revision. */
final class Workloads {

    private Workloads() {
    }

    static Workload of(Pod pod) {
        var labels = pod.getMetadata().getLabels() == null ? Map.<String, String>of() : pod.getMetadata().getLabels();
        var name = workloadName(pod, labels);
        var account = pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null
                || pod.getSpec().getServiceAccountName().isEmpty() ? "default" : pod.getSpec().getServiceAccountName();
        var ip = pod.getStatus() == null || pod.getStatus().getPodIP() == null ? "" : pod.getStatus().getPodIP();
        return new Workload(MeshIndex.namespace(pod), pod.getMetadata().getName(), name, account,
                first(labels, name, "service.istio.io/canonical-name", "app.kubernetes.io/name", "app"),
                first(labels, "latest", "service.istio.io/canonical-revision", "app.kubernetes.io/version", "version"),
                ip, labels);
    }

    /** A ReplicaSet's pod belongs to its Deployment (the ReplicaSet's name less the pod-template-hash); else the owner; else the pod. */
    static String workloadName(Pod pod, Map<String, String> labels) {
        var owners = pod.getMetadata().getOwnerReferences();
        if (owners == null || owners.isEmpty()) {
            return pod.getMetadata().getName();
        }
        var owner = owners.getFirst();
        for (var reference : owners) {
            if (Boolean.TRUE.equals(reference.getController())) {
                owner = reference;
            }
        }
        var name = owner.getName();
        if ("ReplicaSet".equals(owner.getKind())) {
            var hash = labels.get("pod-template-hash");
            if (hash != null && name.endsWith("-" + hash)) {
                return name.substring(0, name.length() - hash.length() - 1);
            }
            var dash = name.lastIndexOf('-');
            return dash > 0 ? name.substring(0, dash) : name;
        }
        return name;
    }

    private static String first(Map<String, String> labels, String fallback, String... keys) {
        for (var key : keys) {
            var value = labels.get(key);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return fallback;
    }
}
