package dev.sidecarinjector.inject;

import dev.sidecarinjector.inject.InjectionDecision.Inject;
import dev.sidecarinjector.inject.InjectionDecision.Skip;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Decides whether a pod gets the sidecar, with Istio's rules and precedence:
 * never-inject rules first, then a disabled namespace, then the pod label, the pod annotation, and last the
 * namespace opt-in. Pure: no I/O, no configuration lookups.
 */
public final class InjectionPolicy {

    private InjectionPolicy() {
    }

    public static InjectionDecision decide(Pod pod, AdmissionFacts facts, InjectionSettings settings) {
        if (!"CREATE".equals(facts.operation())) {
            return new Skip(SkipReason.NOT_CREATE, "operation " + facts.operation());
        }
        if (pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
            return new Skip(SkipReason.HOST_NETWORK, "");
        }
        if (settings.ignores(facts.namespace())) {
            return new Skip(SkipReason.IGNORED_NAMESPACE, "namespace " + facts.namespace());
        }
        var labels = PodFields.labels(pod);
        var annotations = PodFields.annotations(pod);
        if (annotations.containsKey(Annotations.STATUS)) {
            return new Skip(SkipReason.ALREADY_INJECTED, "");
        }
        var label = settings.namespaceLabel();
        var namespaceValue = facts.namespaceLabels().get(label.key());
        if (label.disabledValue().equals(namespaceValue)) {
            return new Skip(SkipReason.NAMESPACE_DISABLED, "namespace " + facts.namespace() + " has " + label.key() + "=" + namespaceValue);
        }
        var podLabel = labels.get(Annotations.INJECT);
        if (podLabel != null) {
            return PodOverrides.flag("label " + Annotations.INJECT, podLabel)
                    ? new Inject("pod label " + Annotations.INJECT + "=" + podLabel)
                    : new Skip(SkipReason.POD_LABEL_OPT_OUT, Annotations.INJECT + "=" + podLabel);
        }
        var podAnnotation = annotations.get(Annotations.INJECT);
        var podAnnotationOptIn = podAnnotation != null && PodOverrides.flag("annotation " + Annotations.INJECT, podAnnotation);
        if (podAnnotation != null && !podAnnotationOptIn) {
            return new Skip(SkipReason.POD_ANNOTATION_OPT_OUT, Annotations.INJECT + ": " + podAnnotation);
        }
        if (label.enabledValue().equals(namespaceValue)) {
            return new Inject("namespace " + facts.namespace() + " has " + label.key() + "=" + namespaceValue);
        }
        if (!facts.namespaceOptInRequired()) {
            return new Inject("injection was requested explicitly (kube-inject)");
        }
        return new Skip(SkipReason.NAMESPACE_NOT_ENABLED, namespaceDetail(facts, label, podAnnotationOptIn));
    }

    private static String namespaceDetail(AdmissionFacts facts, NamespaceLabel label, boolean podAnnotationOptIn) {
        var detail = "namespace " + facts.namespace() + " lacks " + label.key() + "=" + label.enabledValue();
        // The annotation alone cannot opt in, as in Istio: the webhook's object selector only sees labels.
        return podAnnotationOptIn ? detail + "; the annotation " + Annotations.INJECT + " cannot opt in, use the label" : detail;
    }

}
