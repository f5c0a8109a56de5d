package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.net.Ipv4;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What changes from one snapshot (the base) to the next, as incremental xDS sends it: per kind the resources added
 * or replaced, whole, and the names of those removed (listeners by {@code address:port}, route tables and clusters by
 * name); the workload, the inbound ports and the inbound policy always whole, as they are small. {@link #applyTo} gives the next
 * snapshot, checked as a whole snapshot is, its lists in the compiler's order (listeners by address and port, route
 * tables and clusters by name), so a proxy that applied deltas holds the snapshot {@code mesh config} shows.
 */
public record SnapshotDelta(Workload workload, Changes<Listener> listeners, Changes<RouteTable> routeTables,
                            Changes<Cluster> clusters, List<InboundPort> inbound, InboundPolicy inboundPolicy) {

    /** The compiler's order of listeners, which {@link #applyTo} keeps. */
    public static final Comparator<Listener> LISTENER_ORDER =
            Comparator.comparingLong((Listener l) -> Ipv4.parse(l.address())).thenComparingInt(Listener::port);

    public SnapshotDelta {
        inbound = List.copyOf(inbound);
        inboundPolicy = inboundPolicy == null ? InboundPolicy.NONE : inboundPolicy;
    }

    /** A delta to a snapshot that enforces no inbound policy. */
    public SnapshotDelta(Workload workload, Changes<Listener> listeners, Changes<RouteTable> routeTables, Changes<Cluster> clusters,
                         List<InboundPort> inbound) {
        this(workload, listeners, routeTables, clusters, inbound, InboundPolicy.NONE);
    }

    /** The delta from {@code from} to {@code to}, by record equality of the resources of each name. */
    public static SnapshotDelta between(Snapshot from, Snapshot to) {
        return new SnapshotDelta(to.workload(), Changes.between(byName(from.listeners(), Listener::key), byName(to.listeners(), Listener::key)),
                Changes.between(byName(from.routeTables(), RouteTable::name), byName(to.routeTables(), RouteTable::name)),
                Changes.between(byName(from.clusters(), Cluster::name), byName(to.clusters(), Cluster::name)), to.inbound(),
                to.inboundPolicy());
    }

    /** True when no listener, route table or cluster changes (the workload or inbound ports may). */
    public boolean outboundUnchanged() {
        return listeners.isEmpty() && routeTables.isEmpty() && clusters.isEmpty();
    }

    /** Resources by name, in the list's order. */
    public static <T> Map<String, T> byName(List<T> resources, Function<T, String> name) {
        var out = new LinkedHashMap<String, T>(resources.size() * 4 / 3 + 1);
        for (var resource : resources) {
            out.put(name.apply(resource), resource);
        }
        return out;
    }

    /**
     * Reads the members of a delta message and checks what needs no base: every resource as a snapshot's, no name
     * set twice or removed twice, none both set and removed. The {@link JsonException} names the field.
     */
    public static SnapshotDelta read(JsonObject json) {
        return new SnapshotDelta(json.object("workload", Workload::read),
                changes(json, "listeners", Listener::read, Listener::key, true),
                changes(json, "routeTables", RouteTable::read, RouteTable::name, false),
                changes(json, "clusters", Cluster::read, Cluster::name, false), json.list("inbound", InboundPort::read),
                json.object("inboundPolicy", InboundPolicy::read));
    }

    private static <T> Changes<T> changes(JsonObject json, String kind, Function<JsonObject, T> reader, Function<T, String> name,
                                          boolean keyed) {
        var changes = json.object(kind, o -> {
            var read = Changes.read(o, reader);
            var names = new HashSet<String>();
            for (var i = 0; i < read.set().size(); i++) {
                var n = name.apply(read.set().get(i));
                if (!names.add(n)) {
                    throw keyed ? o.error("set[" + i + "]", n + " is a duplicate") : o.error("set[" + i + "].name", "\"" + n + "\" is a duplicate");
                }
            }
            var removed = new HashSet<String>();
            for (var i = 0; i < read.remove().size(); i++) {
                var n = read.remove().get(i);
                if (names.contains(n)) {
                    throw o.error("remove[" + i + "]", "\"" + n + "\" is also in " + kind + ".set");
                }
                if (!removed.add(n)) {
                    throw o.error("remove[" + i + "]", "\"" + n + "\" is a duplicate");
                }
            }
            return read;
        });
        return changes == null ? Changes.none() : changes;
    }

    /**
     * The snapshot {@code version}: {@code base} with these changes. A name removed that {@code base} does not have,
     * or a reference that no longer resolves, is a {@link JsonException} naming the delta's field.
     */
    public Snapshot applyTo(Snapshot base, String version) {
        var byKey = apply(base.listeners(), listeners, Listener::key, "listeners", "listener", base.version());
        var tables = apply(base.routeTables(), routeTables, RouteTable::name, "routeTables", "route table", base.version());
        var byName = apply(base.clusters(), clusters, Cluster::name, "clusters", "cluster", base.version());
        var sortedTables = new ArrayList<>(tables.values());
        sortedTables.sort(Comparator.comparing(RouteTable::name));
        for (var table : sortedTables) {
            var routes = table.routes();
            for (var r = 0; r < routes.size(); r++) {
                var destinations = routes.get(r).destinations();
                for (var d = 0; d < destinations.size(); d++) {
                    var cluster = destinations.get(d).cluster();
                    if (!byName.containsKey(cluster)) {
                        throw dangling(routeTables, table, "routeTables", ".routes[" + r + "].destinations[" + d + "].cluster", cluster,
                                "clusters", clusters.remove(), "route table " + table.name());
                    }
                }
            }
        }
        var sortedListeners = new ArrayList<>(byKey.values());
        sortedListeners.sort(LISTENER_ORDER);
        for (var listener : sortedListeners) {
            if (listener.routeTable() != null && !tables.containsKey(listener.routeTable())) {
                throw dangling(listeners, listener, "listeners", ".routeTable", listener.routeTable(), "routeTables", routeTables.remove(),
                        "listener " + listener.key());
            }
            if (listener.cluster() != null && !byName.containsKey(listener.cluster())) {
                throw dangling(listeners, listener, "listeners", ".cluster", listener.cluster(), "clusters", clusters.remove(),
                        "listener " + listener.key());
            }
        }
        var sortedClusters = new ArrayList<>(byName.values());
        sortedClusters.sort(Comparator.comparing(Cluster::name));
        return new Snapshot(version, workload, sortedListeners, sortedTables, sortedClusters, inbound, inboundPolicy);
    }

    private static <T> Map<String, T> apply(List<T> base, Changes<T> changes, Function<T, String> name, String kind, String what,
                                            String baseVersion) {
        var out = new HashMap<String, T>(byName(base, name));
        for (var i = 0; i < changes.remove().size(); i++) {
            if (out.remove(changes.remove().get(i)) == null) {
                throw new JsonException(kind + ".remove[" + i + "]: \"" + changes.remove().get(i) + "\" is not a " + what + " of version " + baseVersion);
            }
        }
        for (var resource : changes.set()) {
            out.put(name.apply(resource), resource);
        }
        return out;
    }

    /**
     * A reference that does not resolve: when {@code holder} is one the delta sets, its own field is wrong; else it
     * is the base's, and what it refers to was removed by this delta (the base itself was checked when it came).
     */
    private static <T> JsonException dangling(Changes<T> holders, T holder, String kind, String field, String target, String targetKind,
                                              List<String> removed, String holderName) {
        var what = targetKind.equals("clusters") ? "a cluster" : "a route table";
        var set = holders.set();
        for (var i = 0; i < set.size(); i++) {
            if (set.get(i) == holder) {
                return new JsonException(kind + ".set[" + i + "]" + field + ": \"" + target + "\" is not " + what + " of this snapshot");
            }
        }
        var index = removed.indexOf(target);
        if (index >= 0) {
            return new JsonException(targetKind + ".remove[" + index + "]: \"" + target + "\" is still used by " + holderName);
        }
        return new JsonException(holderName + ": \"" + target + "\" is not " + what + " of this snapshot");
    }

    /** Writes the members of a delta message: workload, listeners, routeTables, clusters, inbound, inboundPolicy; nothing for what is empty. */
    public void writeMembers(JsonWriter json) {
        json.field("workload", workload).field("listeners", listeners.isEmpty() ? null : listeners)
                .field("routeTables", routeTables.isEmpty() ? null : routeTables).field("clusters", clusters.isEmpty() ? null : clusters)
                .field("inbound", inbound).field("inboundPolicy", inboundPolicy.isEmpty() ? null : inboundPolicy);
    }
}
