package dev.sidecarinjector.inject;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The labels Istio's injector puts on every injected pod, with Istio's rules: the canonical service name and
 * revision (what telemetry and Kiali group workloads by) and {@code security.istio.io/tlsMode}. A label the pod
 * already has is kept as written.
 */
public final class WorkloadLabels {

    public static final String CANONICAL_NAME = "service.istio.io/canonical-name";
    public static final String CANONICAL_REVISION = "service.istio.io/canonical-revision";
    public static final String TLS_MODE = "security.istio.io/tlsMode";
    /** Istio's heuristic: a Job named {@code <cronjob>-<8 to 10 digit schedule time>} belongs to a CronJob. */
    private static final Pattern CRON_JOB_RUN = Pattern.compile("(.+)-\\d{8,10}$");

    private WorkloadLabels() {
    }

    /**
     * The pod's labels with Istio's three added where absent. {@code workloadName} is the name of the object the
     * pod is written in (kube-inject), or empty to derive it from the pod as Istio's webhook does.
     */
    static Map<String, String> of(ObjectMeta metadata, Optional<String> workloadName) {
        var labels = new LinkedHashMap<>(metadata.getLabels() == null ? Map.<String, String>of() : metadata.getLabels());
        if (!labels.containsKey(TLS_MODE)) {
            labels.put(TLS_MODE, "istio");
        }
        if (!labels.containsKey(CANONICAL_NAME)) {
            var name = firstPresent(labels.get("app.kubernetes.io/name"), labels.get("app"))
                    .orElseGet(() -> trimmed(workloadName.orElseGet(() -> workloadName(metadata))));
            if (!name.isEmpty()) {
                labels.put(CANONICAL_NAME, name);
            }
        }
        if (!labels.containsKey(CANONICAL_REVISION)) {
            labels.put(CANONICAL_REVISION, firstPresent(labels.get("app.kubernetes.io/version"), labels.get("version")).orElse("latest"));
        }
        return labels;
    }

    /**
     * Istio's {@code GetDeployMetaFromPod}: a pod with a generated name is named after its controller, less the
     * ReplicaSet's template hash (a Deployment, or an Argo Rollout), OpenShift's {@code deploymentconfig} label,
     * or the CronJob a Job run belongs to; else the pod's own name. At admission a generated name is not chosen
     * yet, so with no controller the generateName prefix stands in for it.
     */
    static String workloadName(ObjectMeta metadata) {
        var name = metadata.getName() == null ? "" : metadata.getName();
        var generateName = metadata.getGenerateName() == null ? "" : metadata.getGenerateName();
        if (!generateName.isEmpty()) {
            var labels = metadata.getLabels() == null ? Map.<String, String>of() : metadata.getLabels();
            var controller = metadata.getOwnerReferences() == null ? null : metadata.getOwnerReferences().stream()
                    .filter(ref -> ref != null && Boolean.TRUE.equals(ref.getController()))
                    .findFirst().orElse(null);
            if (controller != null && controller.getName() != null && !controller.getName().isEmpty()) {
                var owner = controller.getName();
                var kind = controller.getKind() == null ? "" : controller.getKind();
                var hash = labels.getOrDefault("pod-template-hash", "");
                var rolloutHash = labels.getOrDefault("rollouts-pod-template-hash", "");
                if (kind.equals("ReplicaSet") && !hash.isEmpty() && owner.endsWith(hash)) {
                    return trimSuffix(owner, "-" + hash);
                }
                if (kind.equals("ReplicaSet") && !rolloutHash.isEmpty() && owner.endsWith(rolloutHash)) {
                    return trimSuffix(owner, "-" + rolloutHash);
                }
                if (kind.equals("ReplicationController") && !labels.getOrDefault("deploymentconfig", "").isEmpty()) {
                    return labels.get("deploymentconfig");
                }
                if (kind.equals("Job")) {
                    var run = CRON_JOB_RUN.matcher(owner);
                    return run.matches() ? run.group(1) : owner;
                }
                return owner;
            }
            if (name.isEmpty()) {
                return generateName;
            }
        }
        return name;
    }

    private static String trimSuffix(String value, String suffix) {
        return value.endsWith(suffix) ? value.substring(0, value.length() - suffix.length()) : value;
    }

    /** Istio's {@code trunc 63 | trimAll "-_."}: a label value of at most 63 characters that starts and ends alphanumeric. */
    private static String trimmed(String value) {
        var text = value.length() > 63 ? value.substring(0, 63) : value;
        var start = 0;
        var end = text.length();
        while (start < end && "-_.".indexOf(text.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && "-_.".indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(start, end);
    }

    /** Istio's {@code default}: the first non-empty value. */
    private static Optional<String> firstPresent(String first, String second) {
        if (first != null && !first.isEmpty()) {
            return Optional.of(first);
        }
        return Optional.ofNullable(second).filter(value -> !value.isEmpty());
    }
}
