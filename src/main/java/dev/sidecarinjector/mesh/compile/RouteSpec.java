package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.Cors;
import dev.sidecarinjector.api.snapshot.DirectResponse;
import dev.sidecarinjector.api.snapshot.Fault;
import dev.sidecarinjector.api.snapshot.Headers;
import dev.sidecarinjector.api.snapshot.Redirect;
import dev.sidecarinjector.api.snapshot.RetryPolicy;
import dev.sidecarinjector.api.snapshot.Rewrite;
import dev.sidecarinjector.api.snapshot.RouteMatch;
import java.util.List;

/**
 * One checked VirtualService {@code http} route, before its destinations are bound to a Service port: the same
 * for every client namespace. {@code destinations} name hosts (FQDN), subsets and ports; {@link OutboundCompiler}
 * turns them into clusters.
 */
record RouteSpec(String name, List<RouteMatch> matches, List<DestinationSpec> destinations, Redirect redirect,
                 DirectResponse directResponse, long timeoutMs, RetryPolicy retries, Fault fault, Rewrite rewrite, Headers headers,
                 Cors cors) {

    /** One {@code route[]} entry: host as an FQDN, subset or null, port 0 when not given, weight, header edits. */
    record DestinationSpec(String host, String subset, int port, int weight, Headers headers, String field) {
    }
}
