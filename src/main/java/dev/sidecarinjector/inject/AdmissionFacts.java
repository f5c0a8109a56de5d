package dev.sidecarinjector.inject;

import java.util.Map;

/**
 * What the decision knows besides the pod: the operation, the namespace the pod is created in and its labels.
 * {@code namespaceOptInRequired} is false for kube-inject, where the user asked for injection explicitly.
 */
public record AdmissionFacts(String operation, String namespace, Map<String, String> namespaceLabels, boolean namespaceOptInRequired) {

    public AdmissionFacts {
        namespaceLabels = Map.copyOf(namespaceLabels);
    }

    /** The facts kube-inject uses: a CREATE in the given namespace, opted in unless its labels say otherwise. */
    public static AdmissionFacts manual(String namespace, Map<String, String> namespaceLabels) {
        return new AdmissionFacts("CREATE", namespace, namespaceLabels, false);
    }
}
