package dev.sidecarinjector.proxy.mesh;

import static dev.sidecarinjector.proxy.mesh.MeshFixtures.REVIEWS;
import static dev.sidecarinjector.proxy.mesh.MeshFixtures.cluster;
import static dev.sidecarinjector.proxy.mesh.MeshFixtures.route;
import static dev.sidecarinjector.proxy.mesh.MeshFixtures.workload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.net.Ipv4;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.OutlierDetection;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.RouteMatch;
import dev.sidecarinjector.api.snapshot.RouteTable;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.proxy.route.HttpRequestLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompiledSnapshotTest {

    private static int ip(String dotted) {
        return (int) Ipv4.parse(dotted);
    }

    private static Snapshot snapshot(String version, List<Cluster> clusters) {
        var canary = new RouteMatch(null, false, null, null, null, Map.of(), Map.of(), Map.of(), 0, Map.of("app", "productpage"), null);
        var table = new RouteTable("reviews.default.svc.cluster.local:9080", "default/reviews",
                List.of(route("canary", List.of(canary), "outbound|9080|v2|reviews", "100"),
                        route("default", List.of(), "outbound|9080|v1|reviews", "100")));
        return new Snapshot(version, workload("default", Map.of("app", "ratings")),
                List.of(new Listener("10.96.0.50", 9080, Protocol.HTTP, REVIEWS, table.name(), null),
                        new Listener("10.96.0.60", 5432, Protocol.TCP, null, null, "outbound|5432||db"),
                        new Listener("255.255.255.254", 65535, Protocol.TCP, null, null, "outbound|5432||db")),
                List.of(table), clusters, List.of());
    }

    private static List<Cluster> clusters(int v1Endpoints) {
        var outlier = new OutlierDetection(1, 0, 10_000, 30_000, 100, 0);
        return List.of(cluster("outbound|9080|v1|reviews", LoadBalancer.ROUND_ROBIN, ConnectionPool.DEFAULT, outlier,
                        MeshFixtures.endpoints(v1Endpoints)),
                cluster("outbound|9080|v2|reviews", 1), cluster("outbound|5432||db", 1));
    }

    @Test
    void listenersAreFoundByOriginalDestination() {
        var compiled = CompiledSnapshot.compile(snapshot("1", clusters(2)), null);
        var http = compiled.listener(ip("10.96.0.50"), 9080);
        assertTrue(http.http());
        assertEquals("reviews.default.svc.cluster.local:9080", http.routeTable().name());
        assertNull(http.cluster());
        var tcp = compiled.listener(ip("10.96.0.60"), 5432);
        assertFalse(tcp.http());
        assertSame(compiled.cluster("outbound|5432||db"), tcp.cluster());
        assertEquals(65535, compiled.listener(ip("255.255.255.254"), 65535).port(), "the top address bit and port");
        assertNull(compiled.listener(ip("10.96.0.50"), 9081));
        assertNull(compiled.listener(ip("10.96.0.51"), 9080));
        assertEquals("1", compiled.version());
    }

    @Test
    void manyListenersAllFound() {
        var listeners = new ArrayList<Listener>();
        for (var i = 0; i < 2_000; i++) {
            listeners.add(new Listener("10.96." + (i / 250) + "." + (i % 250), 80 + i % 3, Protocol.TCP, null, null, "outbound|5432||db"));
        }
        var compiled = CompiledSnapshot.compile(new Snapshot("1", workload("default", Map.of()), listeners, List.of(),
                clusters(1), List.of()), null);
        for (var i = 0; i < 2_000; i++) {
            assertEquals(80 + i % 3, compiled.listener(ip("10.96." + (i / 250) + "." + (i % 250)), 80 + i % 3).port(), "listener " + i);
            assertNull(compiled.listener(ip("10.96." + (i / 250) + "." + (i % 250)), 83));
        }
    }

    @Test
    void routesForOtherWorkloadsAreLeftOutAtCompileTime() {
        var compiled = CompiledSnapshot.compile(snapshot("1", clusters(2)), null);
        var table = compiled.listener(ip("10.96.0.50"), 9080).routeTable();
        var selected = table.select(HttpRequestLine.of("GET", "/", "reviews:9080", "http", 9080), name -> null);
        assertEquals("default", selected.route().route().name(), "the canary is for app=productpage, this proxy is ratings");
        assertSame(compiled.cluster("outbound|9080|v1|reviews"), selected.route().destination(0));
    }

    @Test
    void aSwapKeepsTheRuntimeStateOfWhatStillExists() {
        var holder = new SnapshotHolder();
        assertSame(CompiledSnapshot.EMPTY, holder.current());
        assertNull(holder.current().listener(ip("10.96.0.50"), 9080));
        var first = holder.swap(snapshot("1", clusters(2)));
        var v1 = first.cluster("outbound|9080|v1|reviews");
        v1.outlierDetector().onResponse(v1.state(0), 503, 0);
        assertTrue(v1.state(0).ejected());
        var second = holder.swap(snapshot("2", clusters(3)));
        assertSame(second, holder.current());
        var v1Again = second.cluster("outbound|9080|v1|reviews");
        assertNotSame(v1, v1Again);
        assertTrue(v1Again.state(0).ejected(), "the ejection survives the new version");
        assertEquals(3, v1Again.size());
        // The first snapshot is untouched: a request that started on it reads it to the end.
        assertEquals(2, first.cluster("outbound|9080|v1|reviews").size());
        assertEquals("2", holder.current().version());
        assertEquals(List.of("outbound|9080|v1|reviews", "outbound|9080|v2|reviews", "outbound|5432||db"),
                holder.current().clusters().stream().map(c -> c.name()).toList());
    }

    @Test
    void responseFlagsUseEnvoysShortCodes() {
        var codes = new ArrayList<String>();
        for (var flag : ResponseFlag.values()) {
            codes.add(flag.code());
        }
        assertEquals(List.of("-", "UH", "NR", "UO", "UF", "URX", "UT", "UC", "DI", "FI", "DC", "RL"), codes);
    }
}
