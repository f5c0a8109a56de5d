package dev.sidecarinjector.mesh.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sidecarinjector.api.snapshot.Changes;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.RouteTable;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.SnapshotDelta;
import dev.sidecarinjector.mesh.compile.MeshCompiler;
import dev.sidecarinjector.mesh.index.MeshDocuments;
import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What one change of the mesh becomes in each namespace's delta, compiled for real: a VirtualService's weights are
 * one route table, an endpoint is one cluster, a Service gone is its listener, route table and cluster removed;
 * and the delta applied to a proxy's old snapshot is its new one, in the same order.
 */
class OutboundDeltaTest {

    /** Namespace a: Service web (two endpoints, no rule); namespace b: Service api with subsets v1, v2 and a 90/10 VirtualService. */
    private static String mesh(int v1Weight, boolean webSecondReady, boolean withWeb) {
        var web = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: a}
                spec:
                  clusterIP: 10.96.0.10
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-x, namespace: a, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: http, port: 8080}]
                endpoints:
                - addresses: [10.1.0.1]
                  conditions: {ready: true}
                  targetRef: {kind: Pod, name: web-0, namespace: a}
                - addresses: [10.1.0.2]
                  conditions: {ready: %s}
                  targetRef: {kind: Pod, name: web-1, namespace: a}
                ---
                """.formatted(webSecondReady);
        return (withWeb ? web : "") + """
                apiVersion: v1
                kind: Pod
                metadata: {name: web-0, namespace: a, labels: {app: web}}
                spec: {serviceAccountName: web}
                status: {podIP: 10.1.0.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-1, namespace: a, labels: {app: web}}
                spec: {serviceAccountName: web}
                status: {podIP: 10.1.0.2}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: api, namespace: b}
                spec:
                  clusterIP: 10.96.0.20
                  selector: {app: api}
                  ports: [{name: http, port: 8080, targetPort: 8080}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: api-x, namespace: b, labels: {kubernetes.io/service-name: api}}
                addressType: IPv4
                ports: [{name: http, port: 8080}]
                endpoints:
                - addresses: [10.2.0.1]
                  targetRef: {kind: Pod, name: api-0, namespace: b}
                - addresses: [10.2.0.2]
                  targetRef: {kind: Pod, name: api-1, namespace: b}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: api-0, namespace: b, labels: {app: api, version: v1}}
                spec: {serviceAccountName: api}
                status: {podIP: 10.2.0.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: api-1, namespace: b, labels: {app: api, version: v2}}
                spec: {serviceAccountName: api}
                status: {podIP: 10.2.0.2}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: api, namespace: b}
                spec:
                  host: api
                  subsets:
                  - {name: v1, labels: {version: v1}}
                  - {name: v2, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: api, namespace: b}
                spec:
                  hosts: [api]
                  http:
                  - route:
                    - destination: {host: api, subset: v1}
                      weight: %d
                    - destination: {host: api, subset: v2}
                      weight: %d
                """.formatted(v1Weight, 100 - v1Weight);
    }

    private static final String[][] PROXIES = {{"a", "web-0"}, {"b", "api-0"}};
    private long generation;
    private final MeshCompiler compiler = new MeshCompiler("cluster.local", "istio-system");

    private Snapshot compile(String yaml, String namespace, String pod) throws Exception {
        var index = MeshIndex.of(++generation, MeshDocuments.read(yaml, "mesh.yaml").resources());
        return compiler.compile(index, namespace, pod, "v" + generation).snapshot();
    }

    /** Per namespace, the delta of its outbound part from {@code before} to {@code after}, checked against the compiled snapshots. */
    private OutboundDelta[] deltas(String before, String after) throws Exception {
        var out = new OutboundDelta[PROXIES.length];
        for (var i = 0; i < PROXIES.length; i++) {
            var encoder = new SnapshotEncoder();
            var old = compile(before, PROXIES[i][0], PROXIES[i][1]);
            var next = compile(after, PROXIES[i][0], PROXIES[i][1]);
            var from = encoder.outbound(PROXIES[i][0], old);
            out[i] = from.deltaTo(encoder.outbound(PROXIES[i][0], next));
            var delta = new SnapshotDelta(next.workload(), out[i].listeners, out[i].routeTables, out[i].clusters, next.inbound());
            assertEquals(next, delta.applyTo(old, next.version()), "the delta gives the new snapshot of " + PROXIES[i][1] + ", in order");
        }
        return out;
    }

    @Test
    void aVirtualServiceChangeIsOneRouteTablePerNamespace() throws Exception {
        for (var delta : deltas(mesh(90, true, true), mesh(80, true, true))) {
            assertEquals(List.of("api.b.svc.cluster.local:8080"), names(delta.routeTables, RouteTable::name));
            assertEquals(List.of(), delta.routeTables.remove());
            assertSame(Changes.none(), delta.listeners);
            assertSame(Changes.none(), delta.clusters);
        }
    }

    @Test
    void anEndpointChangeIsOneCluster() throws Exception {
        for (var delta : deltas(mesh(90, true, true), mesh(90, false, true))) {
            assertEquals(List.of("outbound|80||web.a.svc.cluster.local"), names(delta.clusters, Cluster::name));
            assertEquals(1, delta.clusters.set().getFirst().endpoints().size());
            assertEquals(List.of(), delta.clusters.remove());
            assertSame(Changes.none(), delta.listeners);
            assertSame(Changes.none(), delta.routeTables);
        }
    }

    @Test
    void aServiceGoneIsItsListenerRouteTableAndClusterRemoved() throws Exception {
        for (var delta : deltas(mesh(90, true, true), mesh(90, true, false))) {
            assertEquals(List.of("10.96.0.10:80"), delta.listeners.remove());
            assertEquals(List.of("web.a.svc.cluster.local:80"), delta.routeTables.remove());
            assertEquals(List.of("outbound|80||web.a.svc.cluster.local"), delta.clusters.remove());
            assertEquals(List.of(), names(delta.listeners, Listener::key));
            assertEquals(List.of(), names(delta.routeTables, RouteTable::name));
            assertEquals(List.of(), names(delta.clusters, Cluster::name));
        }
        for (var delta : deltas(mesh(90, true, false), mesh(90, true, true))) {
            assertEquals(List.of("10.96.0.10:80"), names(delta.listeners, Listener::key), "and back: added");
        }
    }

    @Test
    void aNewIndexWithTheSameContentKeepsThePart() throws Exception {
        var encoder = new SnapshotEncoder();
        var part = encoder.outbound("a", compile(mesh(90, true, true), "a", "web-0"));
        assertSame(part, encoder.outbound("a", compile(mesh(90, true, true), "a", "web-0")));
        assertEquals(0, encoder.encodings());
    }

    private static <T> List<String> names(Changes<T> changes, Function<T, String> name) {
        return changes.set().stream().map(name).toList();
    }
}
