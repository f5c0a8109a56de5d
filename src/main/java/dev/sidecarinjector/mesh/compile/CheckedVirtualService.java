package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.TcpMatch;
import java.time.Instant;
import java.util.List;

/**
 * A VirtualService whose fields all passed the checks: its hosts as FQDNs (wildcards as written), where it is
 * visible ({@code exportTo}), its http routes and its tcp routes.
 */
record CheckedVirtualService(String namespace, String name, Instant created, List<String> hosts, List<String> exportTo,
                             List<RouteSpec> routes, List<TcpRouteSpec> tcpRoutes) {

    /** One checked {@code tcp} route: its matches and its destinations, before they are bound to a Service port. */
    record TcpRouteSpec(String name, List<TcpMatch> matches, List<RouteSpec.DestinationSpec> destinations) {
    }

    String key() {
        return namespace + "/" + name;
    }

    /** Istio's order among VirtualServices for the same host: the oldest first, then by namespace/name. */
    static int olderFirst(CheckedVirtualService a, CheckedVirtualService b) {
        var byAge = a.created.compareTo(b.created);
        return byAge != 0 ? byAge : a.key().compareTo(b.key());
    }

    boolean visibleFrom(String clientNamespace) {
        return ExportTo.visible(exportTo, namespace, clientNamespace);
    }
}
