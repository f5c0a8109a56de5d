package dev.sidecarinjector.proxy.mesh;

import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.TcpRoute;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import dev.sidecarinjector.proxy.route.CompiledRouteTable;
import dev.sidecarinjector.proxy.route.WeightedPick;
import java.util.Map;

/**
 * An outbound listener of a compiled snapshot: HTTP ones route through {@link #routeTable()}, TCP ones relay to an
 * endpoint of a cluster ({@link #pickCluster}): one of the first VirtualService tcp route that applies to this proxy's
 * workload and the listener's address, by weight, or {@link #cluster()} when none applies. The tcp route is chosen
 * when the snapshot is compiled: what it matches on does not change from one connection to the next.
 */
public record CompiledListener(Listener listener, long address, CompiledRouteTable routeTable, ClusterState cluster,
                               ClusterState[] tcpClusters, int[] cumulativeWeights) {

    /** A listener of a snapshot whose clusters are {@code clusters}, for a proxy of {@code workload}. */
    public static CompiledListener compile(Listener listener, long address, CompiledRouteTable routeTable,
                                           Map<String, ClusterState> clusters, Workload workload) {
        var cluster = listener.cluster() == null ? null : clusters.get(listener.cluster());
        for (var route : listener.tcpRoutes()) {
            if (applies(route, address, listener.port(), workload)) {
                var chosen = new ClusterState[route.destinations().size()];
                for (var i = 0; i < chosen.length; i++) {
                    chosen[i] = clusters.get(route.destinations().get(i).cluster());
                }
                return new CompiledListener(listener, address, routeTable, cluster, chosen, WeightedPick.cumulative(route.destinations()));
            }
        }
        return new CompiledListener(listener, address, routeTable, cluster, null, null);
    }

    /** A route with no matches applies to every connection; otherwise one of its matches must hold. */
    private static boolean applies(TcpRoute route, long address, int port, Workload workload) {
        if (route.matches().isEmpty()) {
            return true;
        }
        for (var match : route.matches()) {
            if (match.holdsFor(address, port) && CompiledRouteTable.fromSource(match.sourceLabels(), match.sourceNamespace(), workload)) {
                return true;
            }
        }
        return false;
    }

    public int port() {
        return listener.port();
    }

    public boolean http() {
        return listener.protocol() == Protocol.HTTP;
    }

    /** The cluster for a new TCP connection: by weight among the tcp route's destinations, or the Service's. */
    public ClusterState pickCluster(RandomSource random) {
        return tcpClusters == null ? cluster : tcpClusters[WeightedPick.pick(cumulativeWeights, random)];
    }
}
