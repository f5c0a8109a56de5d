package dev.sidecarinjector.inject;

import java.util.Map;
import java.util.Optional;

/**
 * What the decision knows besides the pod: the operation, the namespace the pod is created in and its labels.
 * {@code namespaceOptInRequired} is false for kube-inject, where the user asked for injection explicitly.
 * {@code workloadName} is the name of the object a pod template is written in (kube-inject, as istioctl uses
 * it for the canonical name); empty at admission, where it is derived from the pod (see {@link WorkloadLabels}).
 * {@code sample} is true for the sample pod a template set is proven with ({@link #sample}).
 */
public record AdmissionFacts(String operation, String namespace, Map<String, String> namespaceLabels, boolean namespaceOptInRequired,
                             Optional<String> workloadName, boolean sample) {

    public AdmissionFacts {
        namespaceLabels = Map.copyOf(namespaceLabels);
    }

    /** Facts of a real pod ({@code sample} false). */
    public AdmissionFacts(String operation, String namespace, Map<String, String> namespaceLabels, boolean namespaceOptInRequired,
                          Optional<String> workloadName) {
        this(operation, namespace, namespaceLabels, namespaceOptInRequired, workloadName, false);
    }

    /** The facts of an admission request: the workload name comes from the pod. */
    public AdmissionFacts(String operation, String namespace, Map<String, String> namespaceLabels, boolean namespaceOptInRequired) {
        this(operation, namespace, namespaceLabels, namespaceOptInRequired, Optional.empty());
    }

    /** The facts kube-inject uses: a CREATE in the given namespace, opted in unless its labels say otherwise. */
    public static AdmissionFacts manual(String namespace, Map<String, String> namespaceLabels) {
        return new AdmissionFacts("CREATE", namespace, namespaceLabels, false);
    }

    /**
     * The facts of the sample pod a template set is proven with before it is used: everything is checked as for a real
     * pod but that the volumes a template mounts are the pod's, since the sample does not have the volumes of the pods
     * a template is written for.
     */
    public static AdmissionFacts sample(String namespace) {
        return new AdmissionFacts("CREATE", namespace, Map.of(), false, Optional.empty(), true);
    }

    /** As {@link #manual(String, Map)}, for a pod template written in the workload {@code workloadName}. */
    public static AdmissionFacts manual(String namespace, Map<String, String> namespaceLabels, String workloadName) {
        return new AdmissionFacts("CREATE", namespace, namespaceLabels, false, Optional.of(workloadName).filter(name -> !name.isEmpty()));
    }
}
