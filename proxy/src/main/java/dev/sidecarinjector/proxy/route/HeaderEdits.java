package dev.sidecarinjector.proxy.route;

import dev.sidecarinjector.api.snapshot.HeaderEdit;

/**
 * Applies a route's VirtualService {@code headers} in Envoy's order, as Istio configures it: the destination's
 * edits first, then the route's (Envoy applies the weighted cluster's mutations before the route's, so on the same
 * header the route's {@code set} wins); within one level {@code remove}, then {@code set}, then {@code add}.
 */
public final class HeaderEdits {

    private HeaderEdits() {
    }

    public static void applyToRequest(CompiledRoute route, int destination, HeaderMutator headers) {
        if (destination >= 0) {
            apply(route.destinationHeaders(destination).request(), headers);
        }
        apply(route.route().headers().request(), headers);
    }

    public static void applyToResponse(CompiledRoute route, int destination, HeaderMutator headers) {
        if (destination >= 0) {
            apply(route.destinationHeaders(destination).response(), headers);
        }
        apply(route.route().headers().response(), headers);
    }

    static void apply(HeaderEdit edit, HeaderMutator headers) {
        if (edit.isEmpty()) {
            return;
        }
        for (var name : edit.remove()) {
            if (!frames(name)) {
                headers.remove(name);
            }
        }
        for (var entry : edit.set().entrySet()) {
            if (!frames(entry.getKey())) {
                headers.set(entry.getKey(), entry.getValue());
            }
        }
        for (var entry : edit.add().entrySet()) {
            if (!frames(entry.getKey())) {
                headers.add(entry.getKey(), entry.getValue());
            }
        }
    }

    /**
     * The headers that frame a message, which the proxy writes from the body it forwards: an edit of one is never
     * applied (the control plane leaves such edits out; a snapshot of another control plane could hold them).
     */
    private static boolean frames(String name) {
        return name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding");
    }
}
