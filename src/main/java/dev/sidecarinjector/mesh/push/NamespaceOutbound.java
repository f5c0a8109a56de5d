package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.snapshot.Changes;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.RouteTable;
import dev.sidecarinjector.api.snapshot.SnapshotDelta;
import java.util.List;
import java.util.Map;

/**
 * One content of the outbound part (listeners, route tables, clusters) that every proxy of a namespace shares,
 * with what the push makes of it once for all of them: its resources by name (to compare), its full encoding (made
 * when a proxy first needs a full snapshot) and the delta to the next content (made once, when the namespace's part
 * changes, and sent to every proxy that acked this one). {@link SnapshotEncoder} gives the same object for the same
 * content, so "did this namespace's part change" is one reference comparison. Not thread-safe: the push executor
 * owns it.
 */
final class NamespaceOutbound {

    final List<Listener> listeners;
    final List<RouteTable> routeTables;
    final List<Cluster> clusters;
    /** The full encoding, made by {@link SnapshotEncoder#full} the first time a proxy needs it. */
    OutboundPart encoded;
    private Map<String, Listener> listenersByKey;
    private Map<String, RouteTable> tablesByName;
    private Map<String, Cluster> clustersByName;
    /** The last delta computed from this part and the part it leads to: a push round moves a namespace to one part. */
    private NamespaceOutbound next;
    private OutboundDelta toNext;

    NamespaceOutbound(List<Listener> listeners, List<RouteTable> routeTables, List<Cluster> clusters) {
        this.listeners = listeners;
        this.routeTables = routeTables;
        this.clusters = clusters;
    }

    /** The changes from this part to {@code to}, computed once for the pair and shared by the namespace's proxies. */
    OutboundDelta deltaTo(NamespaceOutbound to) {
        if (next != to) {
            toNext = new OutboundDelta(Changes.between(listenersByKey(), to.listenersByKey()),
                    Changes.between(tablesByName(), to.tablesByName()), Changes.between(clustersByName(), to.clustersByName()));
            next = to;
        }
        return toNext;
    }

    private Map<String, Listener> listenersByKey() {
        if (listenersByKey == null) {
            listenersByKey = SnapshotDelta.byName(listeners, Listener::key);
        }
        return listenersByKey;
    }

    private Map<String, RouteTable> tablesByName() {
        if (tablesByName == null) {
            tablesByName = SnapshotDelta.byName(routeTables, RouteTable::name);
        }
        return tablesByName;
    }

    private Map<String, Cluster> clustersByName() {
        if (clustersByName == null) {
            clustersByName = SnapshotDelta.byName(clusters, Cluster::name);
        }
        return clustersByName;
    }
}
