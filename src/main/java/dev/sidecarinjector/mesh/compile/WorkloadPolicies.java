package dev.sidecarinjector.mesh.compile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checked policies of one kind, and those that select one workload as istiod selects them for a sidecar: the
 * policies of the root namespace and of the workload's own namespace, each without a selector or with a
 * {@code selector.matchLabels} the workload's labels include (a selector policy in the root namespace selects its
 * workloads in every namespace), oldest first.
 */
final class WorkloadPolicies<T extends WorkloadPolicy> {

    private final String rootNamespace;
    private final Map<String, List<T>> byNamespace = new HashMap<>();

    WorkloadPolicies(String rootNamespace) {
        this.rootNamespace = rootNamespace;
    }

    void add(T policy) {
        byNamespace.computeIfAbsent(policy.namespace(), k -> new ArrayList<>()).add(policy);
    }

    /** The policies that select a workload with {@code labels} in {@code namespace}, in Istio's order. */
    List<T> forWorkload(String namespace, Map<String, String> labels) {
        var selected = new ArrayList<T>();
        for (var space : namespace.equals(rootNamespace) ? List.of(namespace) : List.of(rootNamespace, namespace)) {
            for (var policy : byNamespace.getOrDefault(space, List.of())) {
                if (labels.entrySet().containsAll(policy.selector().entrySet())) {
                    selected.add(policy);
                }
            }
        }
        selected.sort(WorkloadPolicy::olderFirst);
        return selected;
    }

    /** Every policy, in no particular order. */
    List<T> all() {
        var all = new ArrayList<T>();
        byNamespace.values().forEach(all::addAll);
        return all;
    }
}
