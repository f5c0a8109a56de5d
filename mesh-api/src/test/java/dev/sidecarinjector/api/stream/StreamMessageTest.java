package dev.sidecarinjector.api.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.snapshot.Snapshot;
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
                new StreamMessage.SnapshotPush("17-3", empty("17-3")), new StreamMessage.Ack("17-3"),
                new StreamMessage.Nack("17-3", "clusters[0].name: missing"))) {
            assertEquals(message, StreamMessage.parse(message.toJson()));
        }
    }

    @Test
    void theWireFormIsTheDocumentedOne() {
        assertEquals("{\"type\":\"hello\",\"node\":{\"namespace\":\"default\",\"pod\":\"app-1\",\"ip\":\"10.0.0.9\","
                + "\"serviceAccount\":\"app\"},\"version\":\"\"}",
                new StreamMessage.Hello(new ProxyNode("default", "app-1", "10.0.0.9", "app"), "").toJson());
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
    void garbageIsAnErrorNamingTheField() {
        assertEquals("type: \"subscribe\" is not one of hello, snapshot, ack, nack",
                assertThrows(JsonException.class, () -> StreamMessage.parse("{\"type\":\"subscribe\"}")).getMessage());
        assertEquals("type: missing", assertThrows(JsonException.class, () -> StreamMessage.parse("{}")).getMessage());
        assertEquals("node: missing", assertThrows(JsonException.class, () -> StreamMessage.parse("{\"type\":\"hello\"}")).getMessage());
        assertEquals("node.pod: \"\" is empty", assertThrows(JsonException.class,
                () -> StreamMessage.parse("{\"type\":\"hello\",\"node\":{\"namespace\":\"d\",\"pod\":\"\"}}")).getMessage());
        assertThrows(JsonException.class, () -> StreamMessage.parse("hello"));
        assertThrows(JsonException.class, () -> StreamMessage.parse("[1]"));
    }
}
