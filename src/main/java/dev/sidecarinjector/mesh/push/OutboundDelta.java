package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.snapshot.Changes;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.RouteTable;

/**
 * The changes from one outbound part of a namespace to the next (resources compared by record equality, name by
 * name), and their encoding as the shared middle of a delta message, made the first time a proxy needs it.
 */
final class OutboundDelta {

    final Changes<Listener> listeners;
    final Changes<RouteTable> routeTables;
    final Changes<Cluster> clusters;
    /** {@code ,"listeners":{…},"routeTables":{…},"clusters":{…}} (the kinds that changed), made by {@link SnapshotEncoder#delta}. */
    OutboundPart encoded;

    OutboundDelta(Changes<Listener> listeners, Changes<RouteTable> routeTables, Changes<Cluster> clusters) {
        this.listeners = listeners;
        this.routeTables = routeTables;
        this.clusters = clusters;
    }

    boolean isEmpty() {
        return listeners.isEmpty() && routeTables.isEmpty() && clusters.isEmpty();
    }
}
