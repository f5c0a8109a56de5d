package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.api.stream.ProxyNode;
import dev.sidecarinjector.api.stream.StreamMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamSessionTest {

    static final ProxyNode NODE = new ProxyNode("default", "app-1", "10.0.0.9", "app");

    /** A snapshot with one TCP listener and cluster; {@code broken} points the listener at a cluster that is not there. */
    static Snapshot snapshot(String version, int endpointPort, boolean broken) {
        var service = new ServiceRef("db.default.svc.cluster.local", "db", "default");
        var cluster = Cluster.outboundName(5432, null, service.host());
        return new Snapshot(version, new Workload("default", "app-1", "app", "app", "app", "latest", "10.0.0.9", Map.of()),
                List.of(new Listener("10.96.0.60", 5432, Protocol.TCP, service, null, broken ? "outbound|5432||nowhere" : cluster)),
                List.of(), List.of(new Cluster(cluster, service, 5432, null, Protocol.TCP, LoadBalancer.ROUND_ROBIN, ConnectionPool.DEFAULT,
                        null, List.of(new Endpoint("10.0.0.7", endpointPort, null)))), List.of());
    }

    static String push(String version, int endpointPort, boolean broken) {
        return new StreamMessage.SnapshotPush(version, snapshot(version, endpointPort, broken)).toJson();
    }

    @Test
    void helloCarriesTheNodeAndTheVersionHeld() throws Exception {
        var session = new StreamSession(NODE, new SnapshotHolder());
        assertEquals(new StreamMessage.Hello(NODE, ""), StreamMessage.parse(session.hello()));
        session.onMessage(push("1-1", 5432, false));
        assertEquals(new StreamMessage.Hello(NODE, "1-1"), StreamMessage.parse(session.hello()));
    }

    @Test
    void aGoodSnapshotIsAppliedAndAcked() throws Exception {
        var holder = new SnapshotHolder();
        var session = new StreamSession(NODE, holder);
        assertEquals(new StreamMessage.Ack("1-1"), StreamMessage.parse(session.onMessage(push("1-1", 5432, false))));
        assertEquals(snapshot("1-1", 5432, false), holder.current().snapshot());
        assertEquals("1-1", session.acked());
    }

    @Test
    void aBadSnapshotIsNackedWithTheFieldAndTheLastGoodOneKept() throws Exception {
        var holder = new SnapshotHolder();
        var session = new StreamSession(NODE, holder);
        session.onMessage(push("1-1", 5432, false));
        var good = holder.current().snapshot();

        var reply = StreamMessage.parse(session.onMessage(push("1-2", 6432, true)));
        assertEquals(new StreamMessage.Nack("1-2", "snapshot.listeners[0].cluster: \"outbound|5432||nowhere\" is not a cluster of this snapshot"), reply);
        assertSame(good, holder.current().snapshot());
        assertEquals("1-1", session.acked());
        assertEquals("1-2", session.rejected());

        var truncated = push("1-3", 5432, false).replace("\"port\":5432", "\"port\":70000");
        assertEquals("1-3", ((StreamMessage.Nack) StreamMessage.parse(session.onMessage(truncated))).version());
        assertSame(good, holder.current().snapshot());
    }

    @Test
    void somethingOtherThanASnapshotIsAProtocolError() {
        var session = new StreamSession(NODE, new SnapshotHolder());
        assertEquals("not a stream message: unexpected character 'h' at offset 0",
                assertThrows(StreamSession.ProtocolError.class, () -> session.onMessage("hello")).getMessage());
        assertThrows(StreamSession.ProtocolError.class, () -> session.onMessage(new StreamMessage.Ack("1").toJson()));
        assertThrows(StreamSession.ProtocolError.class, () -> session.onMessage("{\"type\":\"snapshot\"}"));
    }
}
