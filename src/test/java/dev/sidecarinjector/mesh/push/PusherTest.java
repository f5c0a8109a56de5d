package dev.sidecarinjector.mesh.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.InboundPolicy;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.api.stream.ProxyNode;
import dev.sidecarinjector.api.stream.StreamMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The push layer against a fake source and fake connections: hello, wait for sync, ack, nack, debounce, deltas after
 * an ack and full snapshots otherwise, garbage.
 */
class PusherTest {

    static final ProxyNode APP = new ProxyNode("default", "app-1", "10.0.0.9", "app");

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final FakeSource source = new FakeSource();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Pusher pusher = new Pusher(source, config(Duration.ofSeconds(10)), executor, c -> new PushMetrics(meters, c));

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aProxyWaitsForTheCachesThenGetsItsSnapshotAndAcks() throws Exception {
        var proxy = new FakeChannel();
        var stream = pusher.connected(proxy);
        pusher.received(stream, new StreamMessage.Hello(APP, "").toJson());
        await(() -> pusher.status().size() == 1 && pusher.status().getFirst().name().equals("app-1.default"));
        assertTrue(proxy.sent.isEmpty(), "nothing before the caches synced");

        source.ready = true;
        var push = proxy.next();
        assertEquals(push.version(), push.snapshot().version());
        assertTrue(push.version().matches("\\d+-1"), push.version());
        assertEquals("10.0.0.9", push.snapshot().workload().ip());
        assertEquals(SyncState.STALE, pusher.status().getFirst().state());

        pusher.received(stream, new StreamMessage.Ack(push.version()).toJson());
        await(() -> pusher.status().getFirst().state() == SyncState.SYNCED);
        assertEquals(push.version(), pusher.status().getFirst().acked());
        assertEquals(1.0, meters.get("mesh.stream.connected.proxies").gauge().value());
        assertEquals(1.0, meters.get("mesh.stream.acks").counter().count());
    }

    @Test
    void aChangeIsPushedOnceWithANewVersionAndOnlyToProxiesItChanged() throws Exception {
        source.ready = true;
        var app = new FakeChannel();
        var other = new FakeChannel();
        var appStream = pusher.connected(app);
        pusher.received(appStream, new StreamMessage.Hello(APP, "").toJson());
        pusher.received(pusher.connected(other), new StreamMessage.Hello(new ProxyNode("other", "db-0", "10.0.0.7", "db"), "").toJson());
        var first = app.next();
        other.next();

        source.ip = "10.0.0.10"; // only pods in namespace default see this change
        for (var i = 0; i < 20; i++) {
            source.changed();
        }
        var second = app.next();
        assertNotEquals(first.version(), second.version());
        assertEquals("10.0.0.10", second.snapshot().workload().name());
        pusher.received(appStream, new StreamMessage.Ack(second.version()).toJson());
        await(() -> pusher.status().stream().anyMatch(s -> s.pod().equals("app-1") && s.state() == SyncState.SYNCED));

        source.changed(); // nothing changed in the content: not re-sent
        source.ip = "10.0.0.11";
        source.changed();
        var third = app.nextDelta();
        assertEquals(second.version(), third.base());
        assertEquals("10.0.0.11", third.delta().workload().name());
        assertTrue(third.delta().outboundUnchanged(), "only the workload changed");
        assertTrue(app.sent.isEmpty(), "one push for the burst");
        assertTrue(other.sent.isEmpty(), "the other proxy's snapshot never changed");

        pusher.received(appStream, new StreamMessage.Ack(third.version()).toJson());
        await(() -> pusher.status().stream().anyMatch(s -> s.pod().equals("app-1") && s.acked().equals(third.version())
                && s.state() == SyncState.SYNCED));
        source.policy = SnapshotEncoderTest.DENY_GET;
        source.changed();
        var fourth = app.nextDelta();
        assertEquals(SnapshotEncoderTest.DENY_GET, fourth.delta().inboundPolicy(), "a policy change alone is pushed");
        assertTrue(fourth.delta().outboundUnchanged());
    }

    @Test
    void aChangeIsADeltaFromTheVersionAckedAndInFullBeforeTheFirstAck() throws Exception {
        source.ready = true;
        var proxy = new FakeChannel();
        var stream = pusher.connected(proxy);
        pusher.received(stream, new StreamMessage.Hello(APP, "").toJson());
        var first = proxy.next();

        source.dbPort = 5433;
        source.changed();
        var second = proxy.next(); // the first was not acked: the proxy may not hold it
        assertEquals(5433, second.snapshot().clusters().getFirst().endpoints().getFirst().port());
        assertNotEquals(first.version(), second.version());
        pusher.received(stream, new StreamMessage.Ack(second.version()).toJson());
        await(() -> pusher.status().getFirst().state() == SyncState.SYNCED);

        source.dbPort = 5434;
        source.changed();
        var third = proxy.nextDelta();
        assertEquals(second.version(), third.base());
        assertTrue(third.delta().listeners().isEmpty() && third.delta().routeTables().isEmpty(), third.toJson());
        assertEquals(List.of(), third.delta().clusters().remove());
        assertEquals(List.of(source.snapshotFor(APP).clusters().getFirst()), third.delta().clusters().set(), "the one cluster that changed");
        var expected = source.snapshotFor(APP);
        assertEquals(new Snapshot(third.version(), expected.workload(), expected.listeners(), expected.routeTables(), expected.clusters(),
                expected.inbound()), third.applyTo(second.snapshot()), "the delta gives the full snapshot of its version");
        // The pusher's thread records what it sent after the write the fake channel has already handed over.
        await(() -> third.version().equals(pusher.status().getFirst().sent())
                && meters.get("mesh.stream.pushes").tag("kind", "delta").counter().count() == 1.0);

        assertEquals(2.0, meters.get("mesh.stream.pushes").tag("kind", "full").counter().count());
        assertEquals(1.0, meters.get("mesh.stream.pushes").tag("kind", "delta").counter().count());
        var deltaBytes = meters.get("mesh.stream.pushed.bytes").tag("kind", "delta").counter().count();
        assertEquals(proxy.messages.getLast().bytes(), deltaBytes);
        assertTrue(deltaBytes < meters.get("mesh.stream.pushed.bytes").tag("kind", "full").counter().count() / 2, "a delta is smaller");
    }

    @Test
    void aNackedDeltaIsAnsweredOnceWithTheFullSnapshotOfItsVersion() throws Exception {
        source.ready = true;
        var proxy = new FakeChannel();
        var stream = pusher.connected(proxy);
        pusher.received(stream, new StreamMessage.Hello(APP, "").toJson());
        pusher.received(stream, new StreamMessage.Ack(proxy.next().version()).toJson());
        await(() -> pusher.status().getFirst().state() == SyncState.SYNCED);
        source.dbPort = 6000;
        source.changed();
        var delta = proxy.nextDelta();

        pusher.received(stream, new StreamMessage.Nack(delta.version(), "base: \"x\" is not the version in force (none)").toJson());
        var full = proxy.next();
        assertEquals(delta.version(), full.version(), "the same content, the same version");
        assertEquals(6000, full.snapshot().clusters().getFirst().endpoints().getFirst().port());
        await(() -> pusher.status().getFirst().nackReason() != null);
        assertEquals(SyncState.STALE, pusher.status().getFirst().state());

        pusher.received(stream, new StreamMessage.Nack(delta.version(), "clusters[0].name: missing").toJson());
        await(() -> "clusters[0].name: missing".equals(pusher.status().getFirst().nackReason()));
        assertEquals(null, proxy.sent.poll(300, TimeUnit.MILLISECONDS), "a nacked full snapshot is not sent again");

        source.dbPort = 6001;
        source.changed();
        assertEquals(6001, proxy.next().snapshot().clusters().getFirst().endpoints().getFirst().port(),
                "nothing acked since: the next change is sent in full");
        assertEquals(2.0, meters.get("mesh.stream.nacks").counter().count());
    }

    @Test
    void aProxyThatTakesNoDeltasIsSentEveryChangeInFull() throws Exception {
        source.ready = true;
        var proxy = new FakeChannel();
        var stream = pusher.connected(proxy);
        pusher.received(stream, new StreamMessage.Hello(APP, "", false).toJson());
        pusher.received(stream, new StreamMessage.Ack(proxy.next().version()).toJson());
        await(() -> pusher.status().getFirst().state() == SyncState.SYNCED);
        source.dbPort = 6000;
        source.changed();
        assertEquals(6000, proxy.next().snapshot().clusters().getFirst().endpoints().getFirst().port());
    }

    @Test
    void theProxiesOfANamespaceShareTheBytesOfTheirDelta() throws Exception {
        source.ready = true;
        var proxies = new java.util.ArrayList<FakeChannel>();
        for (var i = 0; i < 3; i++) {
            var proxy = new FakeChannel();
            var stream = pusher.connected(proxy);
            pusher.received(stream, new StreamMessage.Hello(new ProxyNode("default", "app-" + i, "10.0.0." + i, "app"), "").toJson());
            var first = proxy.next();
            if (i < 2) {
                pusher.received(stream, new StreamMessage.Ack(first.version()).toJson());
            }
            proxies.add(proxy);
        }
        await(() -> pusher.status().stream().filter(s -> s.state() == SyncState.SYNCED).count() == 2);
        source.dbPort = 7000;
        source.changed();
        var a = proxies.get(0).nextDelta();
        var b = proxies.get(1).nextDelta();
        assertEquals("10.0.0.1", b.delta().workload().ip(), "each its own workload");
        assertEquals(a.delta().clusters(), b.delta().clusters());
        assertSame(proxies.get(0).messages.getLast().outbound(), proxies.get(1).messages.getLast().outbound(), "the same bytes");
        assertEquals(7000, proxies.get(2).next().snapshot().clusters().getFirst().endpoints().getFirst().port(), "not acked: in full");
    }

    @Test
    void aNackIsRecordedAndTheProxyStaysStale() throws Exception {
        source.ready = true;
        var proxy = new FakeChannel();
        var stream = pusher.connected(proxy);
        pusher.received(stream, new StreamMessage.Hello(APP, "").toJson());
        var push = proxy.next();
        pusher.received(stream, new StreamMessage.Nack(push.version(), "clusters[0].name: missing").toJson());
        await(() -> "clusters[0].name: missing".equals(pusher.status().getFirst().nackReason()));
        assertEquals(SyncState.STALE, pusher.status().getFirst().state());
        assertEquals("", pusher.status().getFirst().acked());
        assertEquals(1.0, meters.get("mesh.stream.nacks").counter().count());
    }

    @Test
    void garbageAndUnknownMessagesCloseTheConnectionWithAReason() throws Exception {
        for (var input : List.of("not json", "{\"type\":\"subscribe\"}", "{\"type\":\"ack\",\"version\":\"1\"}",
                "{\"type\":\"hello\",\"node\":{\"namespace\":\"default\"}}")) {
            var proxy = new FakeChannel();
            pusher.received(pusher.connected(proxy), input);
            await(() -> proxy.closed != null);
            assertTrue(proxy.closed.startsWith("1008 "), input + " -> " + proxy.closed);
        }
        var proxy = new FakeChannel();
        pusher.received(pusher.connected(proxy), "{\"type\":\"hello\",\"node\":{\"namespace\":\"default\"}}");
        await(() -> proxy.closed != null);
        assertEquals("1008 not a stream message: node.pod: missing", proxy.closed);
        await(() -> pusher.status().isEmpty());
        assertEquals(5.0, meters.get("mesh.stream.rejected.connections").counter().count());
    }

    @Test
    void aSecondHelloOrASnapshotFromTheProxyIsRefused() throws Exception {
        source.ready = true;
        var proxy = new FakeChannel();
        var stream = pusher.connected(proxy);
        pusher.received(stream, new StreamMessage.Hello(APP, "").toJson());
        proxy.next();
        pusher.received(stream, new StreamMessage.Hello(APP, "").toJson());
        await(() -> proxy.closed != null);
        assertEquals("1008 a second hello", proxy.closed);
    }

    @Test
    void anUnknownProxyIsToldToComeBackLater() throws Exception {
        source.ready = true;
        var proxy = new FakeChannel();
        pusher.received(pusher.connected(proxy), new StreamMessage.Hello(new ProxyNode("default", "ghost", "", "default"), "").toJson());
        await(() -> proxy.closed != null);
        assertEquals("1013 unknown proxy ghost.default: no pod default/ghost", proxy.closed);
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosed() throws Exception {
        var quick = new Pusher(source, config(Duration.ofMillis(50)), executor, c -> new PushMetrics(new SimpleMeterRegistry(), c));
        var proxy = new FakeChannel();
        quick.connected(proxy);
        await(() -> proxy.closed != null);
        assertEquals("1008 no hello within PT0.05S", proxy.closed);
    }

    @Test
    void aCloseReasonFitsInAFrame() {
        var reason = Pusher.closeReason("not a stream message: " + "é".repeat(100));
        assertTrue(reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123, reason);
        assertTrue(reason.endsWith("..."));
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        for (var i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within 10 s");
    }

    static StreamConfig config(Duration helloTimeout) {
        return new StreamConfig() {
            public boolean enabled() { return true; }
            public int port() { return 0; }
            public java.util.Optional<String> host() { return java.util.Optional.of("127.0.0.1"); }
            public Duration debounceQuiet() { return Duration.ofMillis(100); }
            public Duration debounceMax() { return Duration.ofSeconds(1); }
            public Duration helloTimeout() { return helloTimeout; }
            public Duration syncTimeout() { return Duration.ofMinutes(5); }
        };
    }

    /** A source with one pod per namespace; the workload's name carries {@link #ip} for namespace default, to see changes. */
    static final class FakeSource implements SnapshotSource {
        volatile boolean ready;
        volatile String ip = "10.0.0.9";
        volatile InboundPolicy policy = InboundPolicy.NONE;
        /** The endpoint port of namespace default's one cluster, db. */
        volatile int dbPort = 5432;
        private volatile Snapshot compiled;
        private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public Snapshot snapshotFor(ProxyNode node) throws UnknownProxy {
            if (node.pod().equals("ghost")) {
                throw new UnknownProxy("no pod " + node.namespace() + "/" + node.pod());
            }
            var name = node.namespace().equals("default") ? ip : "db";
            var workload = new Workload(node.namespace(), node.pod(), name, node.serviceAccount(), name, "latest", node.ip(), Map.of());
            if (!node.namespace().equals("default")) {
                return new Snapshot("compiler's own", workload, List.of(), List.of(), List.of(), List.of());
            }
            var outbound = outbound(dbPort);
            return new Snapshot("compiler's own", workload, outbound.listeners(), List.of(), outbound.clusters(), List.of(), policy);
        }

        /** The compiler's outbound part of namespace default: the same lists for every proxy while the port is the same. */
        private Snapshot outbound(int port) {
            var current = compiled;
            if (current == null || current.clusters().getFirst().endpoints().getFirst().port() != port) {
                var service = new ServiceRef("db.default.svc.cluster.local", "db", "default");
                var cluster = Cluster.outboundName(5432, null, service.host());
                current = new Snapshot("", null, List.of(new Listener("10.96.0.60", 5432, Protocol.TCP, service, null, cluster)), List.of(),
                        List.of(new Cluster(cluster, service, 5432, null, Protocol.TCP, LoadBalancer.ROUND_ROBIN, ConnectionPool.DEFAULT, null,
                                List.of(new Endpoint("10.0.0.7", port, null)))), List.of());
                compiled = current;
            }
            return current;
        }

        @Override
        public void onChange(Runnable listener) {
            listeners.add(listener);
        }

        void changed() {
            listeners.forEach(Runnable::run);
        }
    }

    static final class FakeChannel implements ProxyChannel {
        final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
        final List<SnapshotMessage> messages = new CopyOnWriteArrayList<>();
        volatile String closed;

        @Override
        public void send(SnapshotMessage message) {
            messages.add(message);
            sent.add(message.text());
        }

        @Override
        public void close(short status, String reason) {
            closed = status + " " + reason;
        }

        StreamMessage.SnapshotPush next() throws InterruptedException {
            var message = any();
            assertInstanceOf(StreamMessage.SnapshotPush.class, message, "a full snapshot");
            return (StreamMessage.SnapshotPush) message;
        }

        StreamMessage.DeltaPush nextDelta() throws InterruptedException {
            var message = any();
            assertInstanceOf(StreamMessage.DeltaPush.class, message, "a delta");
            return (StreamMessage.DeltaPush) message;
        }

        StreamMessage any() throws InterruptedException {
            var text = sent.poll(10, TimeUnit.SECONDS);
            assertTrue(text != null, "no message within 10 s");
            return StreamMessage.parse(text);
        }
    }
}
