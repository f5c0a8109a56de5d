package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.snapshot.Changes;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.SnapshotDelta;
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

    /** Two TCP services, db and cache; {@code cachePort} is the cache endpoint's port. */
    static Snapshot twoServices(String version, int cachePort) {
        var db = snapshot(version, 5432, false);
        var cacheService = new ServiceRef("cache.default.svc.cluster.local", "cache", "default");
        var cache = new Cluster(Cluster.outboundName(6379, null, cacheService.host()), cacheService, 6379, null, Protocol.TCP,
                LoadBalancer.ROUND_ROBIN, ConnectionPool.DEFAULT, null, List.of(new Endpoint("10.0.0.8", cachePort, null)));
        return new Snapshot(version, db.workload(), List.of(db.listeners().getFirst(),
                new Listener("10.96.0.61", 6379, Protocol.TCP, cacheService, null, cache.name())), List.of(),
                List.of(db.clusters().getFirst(), cache), List.of());
    }

    static String delta(String version, String base, Snapshot from, Snapshot to) {
        return new StreamMessage.DeltaPush(version, base, SnapshotDelta.between(from, to)).toJson();
    }

    @Test
    void aDeltaOnTheVersionInForceIsAppliedAndAckedAndUntouchedClustersKeepTheirState() throws Exception {
        var holder = new SnapshotHolder();
        var session = new StreamSession(NODE, holder);
        session.onMessage(new StreamMessage.SnapshotPush("1-1", twoServices("1-1", 6379)).toJson());
        var db = holder.current().cluster("outbound|5432||db.default.svc.cluster.local");
        db.state(0).requestStarted();
        assertEquals(true, db.breaker().tryAcquireConnection());

        var reply = session.onMessage(delta("1-2", "1-1", twoServices("1-1", 6379), twoServices("1-2", 6380)));
        assertEquals(new StreamMessage.Ack("1-2"), StreamMessage.parse(reply));
        assertEquals(twoServices("1-2", 6380), holder.current().snapshot(), "the full snapshot of 1-2, for /config_dump");
        assertEquals("1-2", session.acked());
        var dbAfter = holder.current().cluster("outbound|5432||db.default.svc.cluster.local");
        assertSame(db.state(0), dbAfter.state(0), "the endpoint's runtime state carries over");
        assertEquals(1, dbAfter.state(0).activeRequests());
        assertEquals(1, dbAfter.breaker().activeConnections(), "and the breaker's counts");
        assertEquals(6380, holder.current().cluster("outbound|6379||cache.default.svc.cluster.local").endpoint(0).port());
    }

    @Test
    void aDeltaOnAnotherVersionOrThatBreaksAReferenceIsNackedAndTheLastGoodKept() throws Exception {
        var holder = new SnapshotHolder();
        var session = new StreamSession(NODE, holder);
        assertEquals(new StreamMessage.Nack("1-1", "base: \"1-0\" is not the version in force (none)"),
                StreamMessage.parse(session.onMessage(delta("1-1", "1-0", twoServices("1-0", 1), twoServices("1-1", 2)))));
        session.onMessage(new StreamMessage.SnapshotPush("1-1", twoServices("1-1", 6379)).toJson());
        var good = holder.current().snapshot();

        assertEquals(new StreamMessage.Nack("1-3", "base: \"1-2\" is not the version in force (\"1-1\")"),
                StreamMessage.parse(session.onMessage(delta("1-3", "1-2", twoServices("1-2", 6379), twoServices("1-3", 6380)))));
        assertSame(good, holder.current().snapshot());
        assertEquals("1-1", session.acked());
        assertEquals("1-3", session.rejected());

        var noCache = new StreamMessage.DeltaPush("1-4", "1-1", new SnapshotDelta(good.workload(), Changes.none(), Changes.none(),
                new Changes<>(List.of(), List.of("outbound|6379||cache.default.svc.cluster.local")), List.of())).toJson();
        assertEquals(new StreamMessage.Nack("1-4", "clusters.remove[0]: \"outbound|6379||cache.default.svc.cluster.local\" is still used by "
                + "listener 10.96.0.61:6379"), StreamMessage.parse(session.onMessage(noCache)));
        assertSame(good, holder.current().snapshot());

        var garbled = delta("1-5", "1-1", good, twoServices("1-5", 6380)).replace("\"port\":6380", "\"port\":70000");
        assertEquals(new StreamMessage.Nack("1-5", "clusters.set[0].endpoints[0].port: 70000 is not a whole number in 1..65535"),
                StreamMessage.parse(session.onMessage(garbled)));
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
