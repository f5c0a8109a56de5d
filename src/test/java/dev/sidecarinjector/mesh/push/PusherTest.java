package dev.sidecarinjector.mesh.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The push layer against a fake source and fake connections: hello, wait for sync, ack, nack, debounce, garbage. */
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
        var third = app.next();
        assertEquals("10.0.0.11", third.snapshot().workload().name());
        assertTrue(app.sent.isEmpty(), "one push for the burst");
        assertTrue(other.sent.isEmpty(), "the other proxy's snapshot never changed");
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
            public String host() { return "127.0.0.1"; }
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
            return new Snapshot("compiler's own", new Workload(node.namespace(), node.pod(), name, node.serviceAccount(), name, "latest",
                    node.ip(), Map.of()), List.of(), List.of(), List.of(), List.of());
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
        volatile String closed;

        @Override
        public void send(SnapshotMessage message) {
            sent.add(message.text());
        }

        @Override
        public void close(short status, String reason) {
            closed = status + " " + reason;
        }

        StreamMessage.SnapshotPush next() throws InterruptedException {
            var text = sent.poll(10, TimeUnit.SECONDS);
            assertTrue(text != null, "no snapshot within 10 s");
            return (StreamMessage.SnapshotPush) StreamMessage.parse(text);
        }
    }
}
