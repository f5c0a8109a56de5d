package dev.sidecarinjector.api.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.snapshot.Changes;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.SnapshotDelta;
import dev.sidecarinjector.api.snapshot.Workload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamMessageTest {

    static Snapshot empty(String version) {
        return new Snapshot(version, new Workload("default", "app-1", "app", "default", "app", "latest", "10.0.0.9", Map.of()),
                List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void everyMessageReadsBackAsWritten() {
        var node = new ProxyNode("default", "app-1", "10.0.0.9", "app");
        for (StreamMessage message : List.of(new StreamMessage.Hello(node, ""), new StreamMessage.Hello(node, "17-3"),
                new StreamMessage.Hello(node, "17-3", false), new StreamMessage.SnapshotPush("17-3", empty("17-3")),
                new StreamMessage.DeltaPush("17-4", "17-3", delta()), new StreamMessage.Ack("17-3"),
                new StreamMessage.Nack("17-3", "clusters[0].name: missing"))) {
            assertEquals(message, StreamMessage.parse(message.toJson()));
        }
    }

    /** The db cluster set with one endpoint, a route table removed, the workload and one inbound port. */
    static SnapshotDelta delta() {
        return new SnapshotDelta(empty("").workload(), Changes.none(), new Changes<>(List.of(), List.of("reviews:9080")),
                new Changes<>(List.of(new Cluster("outbound|5432||db", null, 5432, null, Protocol.TCP, LoadBalancer.LEAST_REQUEST,
                        ConnectionPool.DEFAULT, null, List.of(new Endpoint("10.0.0.7", 5432, null)))), List.of()),
                List.of(new InboundPort(8080, Protocol.HTTP, List.of())));
    }

    @Test
    void theWireFormIsTheDocumentedOne() {
        assertEquals("{\"type\":\"hello\",\"node\":{\"namespace\":\"default\",\"pod\":\"app-1\",\"ip\":\"10.0.0.9\","
                + "\"serviceAccount\":\"app\"},\"version\":\"\",\"deltas\":true}",
                new StreamMessage.Hello(new ProxyNode("default", "app-1", "10.0.0.9", "app"), "").toJson());
        assertEquals(false, ((StreamMessage.Hello) StreamMessage.parse("{\"type\":\"hello\",\"node\":{\"namespace\":\"d\",\"pod\":\"p\"}}"))
                .deltas(), "a proxy older than deltas does not say it takes them");
        assertEquals("{\"type\":\"delta\",\"version\":\"17-4\",\"base\":\"17-3\",\"workload\":{\"namespace\":\"default\",\"pod\":\"app-1\","
                + "\"name\":\"app\",\"serviceAccount\":\"default\",\"canonicalService\":\"app\",\"canonicalRevision\":\"latest\",\"ip\":\"10.0.0.9\"},"
                + "\"routeTables\":{\"remove\":[\"reviews:9080\"]},\"clusters\":{\"set\":[{\"name\":\"outbound|5432||db\",\"port\":5432,"
                + "\"protocol\":\"TCP\",\"loadBalancer\":\"LEAST_REQUEST\",\"connectionPool\":{\"connectTimeoutMs\":10000},\"endpoints\":[{\"address\":\"10.0.0.7\",\"port\":5432}]}]},"
                + "\"inbound\":[{\"port\":8080,\"protocol\":\"HTTP\",\"mtls\":\"PERMISSIVE\"}]}",
                new StreamMessage.DeltaPush("17-4", "17-3", delta()).toJson());
        assertEquals("{\"type\":\"nack\",\"version\":\"5\",\"reason\":\"why\"}", new StreamMessage.Nack("5", "why").toJson());
    }

    @Test
    void aBadSnapshotKeepsItsVersionForTheNack() {
        var bad = assertThrows(StreamMessage.InvalidSnapshot.class, () -> StreamMessage.parse(
                "{\"type\":\"snapshot\",\"version\":\"9\",\"snapshot\":{\"version\":\"9\",\"workload\":{\"namespace\":\"d\",\"name\":\"a\"},"
                        + "\"clusters\":[{\"name\":\"c\",\"endpoints\":[{\"address\":\"10.0.0.300\",\"port\":80}]}]}}"));
        assertEquals("9", bad.version());
        assertEquals(true, bad.getMessage().startsWith("snapshot.clusters[0].endpoints[0].address"), bad.getMessage());

        var other = assertThrows(StreamMessage.InvalidSnapshot.class, () -> StreamMessage.parse(
                new StreamMessage.SnapshotPush("10", empty("9")).toJson()));
        assertEquals("snapshot.version: \"9\" is not the message's version \"10\"", other.getMessage());
        var dangling = new dev.sidecarinjector.api.snapshot.Snapshot("11", empty("11").workload(), List.of(new dev.sidecarinjector.api.snapshot.Listener(
                "10.96.0.60", 5432, dev.sidecarinjector.api.snapshot.Protocol.TCP, null, null, "nowhere")), List.of(), List.of(), List.of());
        assertEquals("snapshot.listeners[0].cluster: \"nowhere\" is not a cluster of this snapshot", assertThrows(
                StreamMessage.InvalidSnapshot.class, () -> StreamMessage.parse(new StreamMessage.SnapshotPush("11", dangling).toJson())).getMessage());
        assertEquals("snapshot: missing", assertThrows(StreamMessage.InvalidSnapshot.class,
                () -> StreamMessage.parse("{\"type\":\"snapshot\",\"version\":\"1\"}")).getMessage());
    }

    @Test
    void aBadDeltaKeepsItsVersionForTheNackAndIsAppliedOnlyOnItsBase() {
        var bad = assertThrows(StreamMessage.InvalidSnapshot.class, () -> StreamMessage.parse(
                "{\"type\":\"delta\",\"version\":\"9\",\"base\":\"8\",\"clusters\":{\"set\":[{\"name\":\"c\",\"port\":\"80\"}]}}"));
        assertEquals("9", bad.version());
        assertEquals("clusters.set[0].port: \"80\" is not a whole number in 0..65535", bad.getMessage());
        assertEquals("base: missing", assertThrows(StreamMessage.InvalidSnapshot.class,
                () -> StreamMessage.parse("{\"type\":\"delta\",\"version\":\"9\"}")).getMessage());

        var delta = new StreamMessage.DeltaPush("17-4", "17-3", delta());
        assertEquals("base: \"17-3\" is not the version in force (\"17-2\")",
                assertThrows(JsonException.class, () -> delta.applyTo(empty("17-2"))).getMessage());
        assertEquals("base: \"17-3\" is not the version in force (none)", assertThrows(JsonException.class, () -> delta.applyTo(null)).getMessage());
        assertEquals("routeTables.remove[0]: \"reviews:9080\" is not a route table of version 17-3",
                assertThrows(JsonException.class, () -> delta.applyTo(empty("17-3"))).getMessage());
        var applied = new StreamMessage.DeltaPush("17-4", "17-3", new SnapshotDelta(delta().workload(), Changes.none(), Changes.none(),
                delta().clusters(), delta().inbound())).applyTo(empty("17-3"));
        assertEquals(new Snapshot("17-4", empty("").workload(), List.of(), List.of(), delta().clusters().set(), delta().inbound()), applied);
    }

    @Test
    void garbageIsAnErrorNamingTheField() {
        assertEquals("type: \"subscribe\" is not one of hello, snapshot, delta, ack, nack",
                assertThrows(JsonException.class, () -> StreamMessage.parse("{\"type\":\"subscribe\"}")).getMessage());
        assertEquals("type: missing", assertThrows(JsonException.class, () -> StreamMessage.parse("{}")).getMessage());
        assertEquals("node: missing", assertThrows(JsonException.class, () -> StreamMessage.parse("{\"type\":\"hello\"}")).getMessage());
        assertEquals("node.pod: \"\" is empty", assertThrows(JsonException.class,
                () -> StreamMessage.parse("{\"type\":\"hello\",\"node\":{\"namespace\":\"d\",\"pod\":\"\"}}")).getMessage());
        assertThrows(JsonException.class, () -> StreamMessage.parse("hello"));
        assertThrows(JsonException.class, () -> StreamMessage.parse("[1]"));
    }
}
