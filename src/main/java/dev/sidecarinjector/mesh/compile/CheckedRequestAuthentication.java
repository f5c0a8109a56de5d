package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.JwtRule;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A RequestAuthentication whose fields passed the checks: its selector's labels (empty: the whole namespace, or the
 * mesh in the root namespace) and its rules as the proxy gets them, except that a rule with a {@code jwksUri} has
 * no keys yet: they are looked up when a snapshot is compiled, so fetched keys reach proxies without a new index.
 */
record CheckedRequestAuthentication(String namespace, String name, Instant created, Map<String, String> selector, List<JwtRule> rules) implements WorkloadPolicy {
}
