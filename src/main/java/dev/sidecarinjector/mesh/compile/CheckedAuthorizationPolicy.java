package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.AuthzPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An AuthorizationPolicy checked once per index: its selector's labels (empty: the namespace, or the mesh in the root
 * namespace), the policy as the snapshot carries it, and the paths of its HTTP-only fields (reported for workloads
 * with TCP ports, where they cannot be enforced).
 */
record CheckedAuthorizationPolicy(String namespace, String name, Instant created, Map<String, String> selector, AuthzPolicy policy,
                                  List<String> httpOnlyFields) implements WorkloadPolicy {
}
