package dev.sidecarinjector.mesh.compile;

import java.time.Instant;
import java.util.Map;

/**
 * A checked policy that selects workloads as Istio's security policies do for a sidecar (AuthorizationPolicy,
 * RequestAuthentication): its namespace, its selector's labels (empty: the whole namespace, or the mesh in the root
 * namespace) and its age, for Istio's order.
 */
interface WorkloadPolicy {

    String namespace();

    String name();

    Instant created();

    Map<String, String> selector();

    default String key() {
        return namespace() + "/" + name();
    }

    /** Istio's order: the oldest first, then by name. */
    static int olderFirst(WorkloadPolicy a, WorkloadPolicy b) {
        var byAge = a.created().compareTo(b.created());
        return byAge != 0 ? byAge : a.key().compareTo(b.key());
    }
}
