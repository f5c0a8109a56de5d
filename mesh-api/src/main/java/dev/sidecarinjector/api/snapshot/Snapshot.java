package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything one proxy needs, compiled by the control plane from Services, EndpointSlices, Pods and Istio's
 * resources, and replaced whole on every change: the proxy's own workload, its outbound listeners (by original
 * destination), route tables, clusters with their ready endpoints, its inbound ports and the policy it enforces on
 * them (absent in the JSON when there is none). Immutable: a request
 * reads one snapshot from start to end.
 */
public record Snapshot(String version, Workload workload, List<Listener> listeners, List<RouteTable> routeTables,
                       List<Cluster> clusters, List<InboundPort> inbound, InboundPolicy inboundPolicy) implements JsonWriter.Writable {

    public Snapshot {
        listeners = List.copyOf(listeners);
        routeTables = List.copyOf(routeTables);
        clusters = List.copyOf(clusters);
        inbound = List.copyOf(inbound);
        inboundPolicy = inboundPolicy == null ? InboundPolicy.NONE : inboundPolicy;
    }

    /** A snapshot with no inbound policy. */
    public Snapshot(String version, Workload workload, List<Listener> listeners, List<RouteTable> routeTables, List<Cluster> clusters,
                    List<InboundPort> inbound) {
        this(version, workload, listeners, routeTables, clusters, inbound, InboundPolicy.NONE);
    }

    /**
     * Reads and checks a snapshot: every field's type and range, every name a listener or route refers to, no
     * duplicate names. The {@link JsonException} names the first field that is wrong, so a proxy can reject the
     * version with that reason and keep its last good one.
     */
    public static Snapshot fromJson(String text) {
        return read(JsonObject.parse(text, ""));
    }

    /** Reads and checks a snapshot held in a larger document (the stream's snapshot message), as {@link #fromJson}. */
    public static Snapshot read(JsonObject json) {
        var snapshot = new Snapshot(json.string("version"), json.object("workload", Workload::read),
                json.list("listeners", Listener::read), json.list("routeTables", RouteTable::read),
                json.list("clusters", Cluster::read), json.list("inbound", InboundPort::read),
                json.object("inboundPolicy", InboundPolicy::read));
        snapshot.checkReferences(json.path().isEmpty() ? "" : json.path() + ".");
        return snapshot;
    }

    /** {@code at} prefixes the names in errors, as the field errors are prefixed with the snapshot's path. */
    private void checkReferences(String at) {
        var clusterNames = new HashSet<String>();
        for (var i = 0; i < clusters.size(); i++) {
            if (!clusterNames.add(clusters.get(i).name())) {
                throw new JsonException(at + "clusters[" + i + "].name: \"" + clusters.get(i).name() + "\" is a duplicate");
            }
        }
        var tableNames = new HashSet<String>();
        for (var t = 0; t < routeTables.size(); t++) {
            var table = routeTables.get(t);
            if (!tableNames.add(table.name())) {
                throw new JsonException(at + "routeTables[" + t + "].name: \"" + table.name() + "\" is a duplicate");
            }
            for (var r = 0; r < table.routes().size(); r++) {
                clustersExist(table.routes().get(r).destinations(), at + "routeTables[" + t + "].routes[" + r + "]", clusterNames);
            }
        }
        var keys = new HashSet<String>();
        for (var i = 0; i < listeners.size(); i++) {
            var listener = listeners.get(i);
            if (!keys.add(listener.key())) {
                throw new JsonException(at + "listeners[" + i + "]: " + listener.key() + " is a duplicate");
            }
            if (listener.routeTable() != null && !tableNames.contains(listener.routeTable())) {
                throw new JsonException(at + "listeners[" + i + "].routeTable: \"" + listener.routeTable() + "\" is not a route table of this snapshot");
            }
            if (listener.cluster() != null && !clusterNames.contains(listener.cluster())) {
                throw new JsonException(at + "listeners[" + i + "].cluster: \"" + listener.cluster() + "\" is not a cluster of this snapshot");
            }
            for (var r = 0; r < listener.tcpRoutes().size(); r++) {
                clustersExist(listener.tcpRoutes().get(r).destinations(), at + "listeners[" + i + "].tcpRoutes[" + r + "]", clusterNames);
            }
        }
    }

    /** Every destination of a route ({@code path}) names a cluster of this snapshot. */
    private static void clustersExist(List<WeightedCluster> destinations, String path, Set<String> clusterNames) {
        for (var d = 0; d < destinations.size(); d++) {
            if (!clusterNames.contains(destinations.get(d).cluster())) {
                throw new JsonException(path + ".destinations[" + d + "].cluster: \"" + destinations.get(d).cluster()
                        + "\" is not a cluster of this snapshot");
            }
        }
    }

    public String toJson(boolean pretty) {
        return JsonWriter.toJson(this, pretty);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("version", version).field("workload", workload).field("listeners", listeners)
                .field("routeTables", routeTables).field("clusters", clusters).field("inbound", inbound)
                .field("inboundPolicy", inboundPolicy.isEmpty() ? null : inboundPolicy).endObject();
    }
}
