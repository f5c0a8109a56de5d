package dev.sidecarinjector.proxy.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.net.Ipv4;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.Headers;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.TcpMatch;
import dev.sidecarinjector.api.snapshot.TcpRoute;
import dev.sidecarinjector.api.snapshot.WeightedCluster;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A TCP listener's VirtualService tcp routes: the first that applies to the proxy's workload and the address, by weight. */
class CompiledListenerTest {

    private static final Workload CLIENT = new Workload("shop", "orders-1", "orders", "orders", "orders", "v1", "10.244.0.9",
            Map.of("app", "orders"));
    private final Map<String, ClusterState> clusters = new HashMap<>();

    CompiledListenerTest() {
        for (var name : List.of("default", "v1", "v2", "canary")) {
            clusters.put(name, ClusterState.compile(new Cluster(name, null, 3306, null, Protocol.TCP, LoadBalancer.ROUND_ROBIN,
                    ConnectionPool.DEFAULT, null, List.of()), null));
        }
    }

    @Test
    void theFirstRouteThatAppliesSplitsConnectionsByWeight() {
        var canary = new TcpRoute("db/mysql.tcp.0", List.of(new TcpMatch(List.of(), 0, Map.of("app", "billing"), null)),
                List.of(to("canary", 100)));
        var elsewhere = new TcpRoute("db/mysql.tcp.1", List.of(new TcpMatch(List.of("10.97.0.0/16"), 0, Map.of(), null)), List.of(to("canary", 100)));
        var split = new TcpRoute("db/mysql.tcp.2", List.of(new TcpMatch(List.of("10.96.0.0/16", "fd00::/8"), 0, Map.of(), "shop")),
                List.of(to("v1", 80), to("v2", 20)));
        var listener = compile(List.of(canary, elsewhere, split));
        var counts = new HashMap<String, Integer>();
        var random = RandomSource.seeded(7);
        for (var i = 0; i < 10_000; i++) {
            counts.merge(listener.pickCluster(random).name(), 1, Integer::sum);
        }
        assertEquals(Map.of("v1", counts.get("v1"), "v2", counts.get("v2")), counts, "only the split route's clusters: " + counts);
        assertTrue(Math.abs(counts.get("v1") - 8_000) < 300, counts.toString());
    }

    @Test
    void noRouteThatAppliesLeavesTheServicesCluster() {
        var otherNamespace = new TcpRoute("db/mysql.tcp.0", List.of(new TcpMatch(List.of(), 0, Map.of(), "billing")), List.of(to("canary", 100)));
        assertEquals("default", compile(List.of(otherNamespace)).pickCluster(RandomSource.seeded(1)).name());
        assertEquals("default", compile(List.of()).pickCluster(RandomSource.seeded(1)).name());
        var any = new TcpRoute("db/mysql.tcp.0", List.of(), List.of(to("canary", 100)));
        assertEquals("canary", compile(List.of(otherNamespace, any)).pickCluster(RandomSource.seeded(1)).name());
    }

    private CompiledListener compile(List<TcpRoute> routes) {
        var listener = new Listener("10.96.5.5", 3306, Protocol.TCP, null, null, "default", routes);
        return CompiledListener.compile(listener, Ipv4.parse("10.96.5.5"), null, clusters, CLIENT);
    }

    private static WeightedCluster to(String cluster, int weight) {
        return new WeightedCluster(cluster, weight, Headers.NONE);
    }
}
