package dev.sidecarinjector.api.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delta between two snapshots: what it names, that applying it gives the next snapshot, and every check. */
class SnapshotDeltaTest {

    static final String V1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
    static final String DB = "outbound|5432||db.default.svc.cluster.local";
    static final String TABLE = "reviews.default.svc.cluster.local:9080";

    /** {@link SnapshotTest#reviews()} in the compiler's order (clusters by name). */
    static Snapshot base() {
        var s = SnapshotTest.reviews();
        var clusters = new ArrayList<>(s.clusters());
        clusters.sort(Comparator.comparing(Cluster::name));
        return new Snapshot(s.version(), s.workload(), s.listeners(), s.routeTables(), clusters, s.inbound());
    }

    /** The base with v1's endpoint moved to port 9081, the db listener and cluster gone, a listener added, version 8. */
    static Snapshot next() {
        var s = base();
        var clusters = new ArrayList<Cluster>();
        for (var c : s.clusters()) {
            if (c.name().equals(V1)) {
                clusters.add(new Cluster(c.name(), c.service(), c.port(), c.subset(), c.protocol(), c.loadBalancer(), c.connectionPool(),
                        c.outlierDetection(), List.of(new Endpoint("10.0.0.11", 9081, c.endpoints().getFirst().workload()))));
            } else if (!c.name().equals(DB)) {
                clusters.add(c);
            }
        }
        var listeners = List.of(new Listener("10.96.0.5", 9080, Protocol.HTTP, SnapshotTest.REVIEWS, TABLE, null), s.listeners().getFirst());
        return new Snapshot("8", s.workload(), listeners, s.routeTables(), clusters, s.inbound());
    }

    @Test
    void theDeltaNamesOnlyWhatChangedAndGivesTheNextSnapshot() {
        var delta = SnapshotDelta.between(base(), next());
        assertEquals(List.of("10.96.0.5:9080"), delta.listeners().set().stream().map(Listener::key).toList());
        assertEquals(List.of("10.96.0.60:5432"), delta.listeners().remove());
        assertTrue(delta.routeTables().isEmpty());
        assertEquals(List.of(V1), delta.clusters().set().stream().map(Cluster::name).toList());
        assertEquals(List.of(DB), delta.clusters().remove());
        assertEquals(next(), delta.applyTo(base(), "8"), "the next snapshot, in the compiler's order");
        assertTrue(SnapshotDelta.between(base(), base()).outboundUnchanged());
    }

    @Test
    void everyFieldSurvivesTheJsonRoundTrip() {
        var delta = SnapshotDelta.between(base(), next());
        var json = JsonWriter.compact();
        json.beginObject();
        delta.writeMembers(json);
        json.endObject();
        assertEquals(delta, SnapshotDelta.read(JsonObject.parse(json.toString(), "")));
        var routesOnly = new SnapshotDelta(null, Changes.none(), new Changes<>(base().routeTables(), List.of()), Changes.none(), List.of());
        var text = JsonWriter.compact();
        text.beginObject();
        routesOnly.writeMembers(text);
        text.endObject();
        assertTrue(text.toString().startsWith("{\"routeTables\":{\"set\":[{\"name\":\"" + TABLE + "\""), "empty kinds are left out: " + text);
        assertEquals(routesOnly, SnapshotDelta.read(JsonObject.parse(text.toString(), "")));
    }

    @Test
    void aClusterReplacedKeepsItsPlaceAndTheUntouchedResourcesAreTheBasesOwn() {
        var base = base();
        var delta = new SnapshotDelta(base.workload(), Changes.none(), Changes.none(), new Changes<>(List.of(next().clusters().getFirst()),
                List.of()), base.inbound());
        var applied = delta.applyTo(base, "9");
        assertEquals(base.clusters().stream().map(Cluster::name).toList(), applied.clusters().stream().map(Cluster::name).toList());
        assertSame(base.routeTables().getFirst(), applied.routeTables().getFirst());
        assertSame(base.clusters().get(2), applied.clusters().get(2));
        assertEquals("9", applied.version());
    }

    @Test
    void duplicatesAndNamesBothSetAndRemovedAreNamedWhenRead() {
        var cluster = "{\"name\":\"" + DB + "\",\"endpoints\":[{\"address\":\"10.0.0.20\",\"port\":5432}]}";
        assertRead("{\"clusters\":{\"set\":[" + cluster + "," + cluster + "]}}", "clusters.set[1].name: \"" + DB + "\" is a duplicate");
        var listener = "{\"address\":\"10.96.0.60\",\"port\":5432,\"cluster\":\"" + DB + "\"}";
        assertRead("{\"listeners\":{\"set\":[" + listener + "," + listener + "]}}", "listeners.set[1]: 10.96.0.60:5432 is a duplicate");
        assertRead("{\"routeTables\":{\"remove\":[\"a\",\"a\"]}}", "routeTables.remove[1]: \"a\" is a duplicate");
        assertRead("{\"clusters\":{\"set\":[" + cluster + "],\"remove\":[\"" + DB + "\"]}}",
                "clusters.remove[0]: \"" + DB + "\" is also in clusters.set");
        assertRead("{\"clusters\":{\"set\":[" + cluster.replace("10.0.0.20", "10.0.0.256") + "]}}",
                "clusters.set[0].endpoints[0].address: \"10.0.0.256\" is not an IPv4 address");
        assertRead("{\"listeners\":{\"remove\":[5]}}", "listeners.remove[0]: 5 is not a string");
        assertRead("{\"clusters\":[]}", "clusters: a list is not an object");
    }

    @Test
    void unknownNamesRemovedAndReferencesThatNoLongerResolveAreNamedWhenApplied() {
        var base = base();
        assertApplied(new SnapshotDelta(null, new Changes<>(List.of(), List.of("10.96.0.99:80")), Changes.none(), Changes.none(), List.of()),
                "listeners.remove[0]: \"10.96.0.99:80\" is not a listener of version 7");
        assertApplied(new SnapshotDelta(null, Changes.none(), Changes.none(), new Changes<>(List.of(), List.of("nope")), List.of()),
                "clusters.remove[0]: \"nope\" is not a cluster of version 7");
        var dangling = new Listener("10.96.0.61", 5432, Protocol.TCP, null, null, "outbound|5432||gone");
        assertApplied(new SnapshotDelta(null, new Changes<>(List.of(dangling), List.of()), Changes.none(), Changes.none(), List.of()),
                "listeners.set[0].cluster: \"outbound|5432||gone\" is not a cluster of this snapshot");
        assertApplied(new SnapshotDelta(null, Changes.none(), Changes.none(), new Changes<>(List.of(), List.of(DB)), List.of()),
                "clusters.remove[0]: \"" + DB + "\" is still used by listener 10.96.0.60:5432");
        assertApplied(new SnapshotDelta(null, Changes.none(), Changes.none(), new Changes<>(List.of(), List.of(V1)), List.of()),
                "clusters.remove[0]: \"" + V1 + "\" is still used by route table " + TABLE);
        assertApplied(new SnapshotDelta(null, Changes.none(), new Changes<>(List.of(), List.of(TABLE)), Changes.none(), List.of()),
                "routeTables.remove[0]: \"" + TABLE + "\" is still used by listener 10.96.0.50:9080");
        var table = base.routeTables().getFirst();
        var broken = new RouteTable(table.name(), table.virtualService(), List.of(new Route("r", List.of(),
                List.of(new WeightedCluster("outbound|1||x", 100, Headers.NONE)), null, 0, RetryPolicy.NONE, null, null, Headers.NONE)));
        assertApplied(new SnapshotDelta(null, Changes.none(), new Changes<>(List.of(broken), List.of()), Changes.none(), List.of()),
                "routeTables.set[0].routes[0].destinations[0].cluster: \"outbound|1||x\" is not a cluster of this snapshot");
    }

    private static void assertRead(String json, String message) {
        assertEquals(message, assertThrows(JsonException.class, () -> SnapshotDelta.read(JsonObject.parse(json, ""))).getMessage());
    }

    private static void assertApplied(SnapshotDelta delta, String message) {
        assertEquals(message, assertThrows(JsonException.class, () -> delta.applyTo(base(), "8")).getMessage());
    }
}
