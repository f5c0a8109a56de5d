package dev.sidecarinjector.proxy.mesh;

import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import dev.sidecarinjector.proxy.route.CompiledRouteTable;

/**
 * An outbound listener of a compiled snapshot: HTTP ones route through {@link #routeTable()}, TCP ones relay to an
 * endpoint of {@link #cluster()} (the other is null).
 */
public record CompiledListener(Listener listener, long address, CompiledRouteTable routeTable, ClusterState cluster) {

    public int port() {
        return listener.port();
    }

    public boolean http() {
        return listener.protocol() == Protocol.HTTP;
    }
}
