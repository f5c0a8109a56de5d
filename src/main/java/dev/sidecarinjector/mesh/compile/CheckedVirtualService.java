package dev.sidecarinjector.mesh.compile;

import java.time.Instant;
import java.util.List;

/**
 * A VirtualService whose fields all passed the checks: its hosts as FQDNs (wildcards as written), where it is
 * visible ({@code exportTo}) and its routes.
 */
record CheckedVirtualService(String namespace, String name, Instant created, List<String> hosts, List<String> exportTo,
                             List<RouteSpec> routes) {

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
