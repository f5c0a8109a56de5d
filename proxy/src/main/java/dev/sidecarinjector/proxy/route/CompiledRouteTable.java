package dev.sidecarinjector.proxy.route;

import dev.sidecarinjector.api.snapshot.RouteMatch;
import dev.sidecarinjector.api.snapshot.RouteTable;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import java.util.ArrayList;
import java.util.Map;

/**
 * A route table of a compiled snapshot: its routes' matches flattened in order into one array of
 * {@link MatchedRoute}s, with those that can never hold for this proxy left out at compile time
 * ({@code sourceLabels} not all among the workload's labels, {@code sourceNamespace} not its namespace); a route
 * all of whose matches are left out is gone. Selection is the first entry whose match holds.
 */
public final class CompiledRouteTable {

    private final RouteTable table;
    private final MatchedRoute[] entries;

    private CompiledRouteTable(RouteTable table, MatchedRoute[] entries) {
        this.table = table;
        this.entries = entries;
    }

    /** {@code clusters} resolves the destinations' cluster names (the snapshot checked that they exist). */
    public static CompiledRouteTable compile(RouteTable table, Workload workload, Map<String, ClusterState> clusters) {
        var entries = new ArrayList<MatchedRoute>();
        for (var route : table.routes()) {
            var destinations = new ClusterState[route.destinations().size()];
            for (var i = 0; i < destinations.length; i++) {
                destinations[i] = clusters.get(route.destinations().get(i).cluster());
            }
            var compiled = new CompiledRoute(route, destinations);
            if (route.matches().isEmpty()) {
                entries.add(new MatchedRoute(compiled, null));
            }
            for (var match : route.matches()) {
                if (appliesTo(match, workload)) {
                    entries.add(new MatchedRoute(compiled, match));
                }
            }
        }
        return new CompiledRouteTable(table, entries.toArray(new MatchedRoute[0]));
    }

    static boolean appliesTo(RouteMatch match, Workload workload) {
        return fromSource(match.sourceLabels(), match.sourceNamespace(), workload);
    }

    /**
     * Whether a match's {@code sourceLabels} (all among the workload's labels) and {@code sourceNamespace} (null:
     * any) hold for this proxy's {@code workload}; with no workload, only a match with neither does.
     */
    public static boolean fromSource(Map<String, String> sourceLabels, String sourceNamespace, Workload workload) {
        if (sourceNamespace != null && (workload == null || !sourceNamespace.equals(workload.namespace()))) {
            return false;
        }
        for (var label : sourceLabels.entrySet()) {
            if (workload == null || !label.getValue().equals(workload.labels().get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public String name() {
        return table.name();
    }

    /** The VirtualService ({@code namespace/name}) the table came from, or null for a Service's default route. */
    public String virtualService() {
        return table.virtualService();
    }

    /** The first route whose match holds, or null: no route (404, flag NR). */
    public MatchedRoute select(HttpRequestLine request, RequestHeaders headers) {
        for (var entry : entries) {
            if (entry.match() == null || RequestMatcher.matches(entry.match(), request, headers)) {
                return entry;
            }
        }
        return null;
    }
}
