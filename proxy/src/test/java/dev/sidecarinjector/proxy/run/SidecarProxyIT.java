package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.ReliabilityLog;
import dev.sidecarinjector.proxy.metrics.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole proxy on loopback with real sockets. No iptables here, so the destination is pinned to a
 * test server instead of read with SO_ORIGINAL_DST (the netns e2e covers that part).
 */
class SidecarProxyIT {
    /** Blocking socket work gets its own thread: the common pool has one thread on two CPUs. */
    private static final java.util.concurrent.Executor OWN_THREAD = task -> Thread.ofPlatform().daemon().start(task);
    private final ServerSocket app;
    private ProxySettings settings = withIdleTimeout(Duration.ofSeconds(30));
    private SidecarProxy proxy;

    SidecarProxyIT() throws IOException {
        app = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        app.close();
    }

    @Test
    void relaysBothWaysAndTheAppSeesThePassthroughSourceOnInbound() throws Exception {
        proxy = start((InetSocketAddress) app.getLocalSocketAddress());
        CompletableFuture<String> peer = serveOnce(socket -> {
            byte[] request = socket.getInputStream().readAllBytes(); // until the client's FIN
            socket.getOutputStream().write((request.length + " bytes").getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            return socket.getInetAddress().getHostAddress();
        });
        byte[] payload = new byte[3 << 20];
        new Random(1).nextBytes(payload);

        try (Socket client = connect(proxy.inboundPort())) {
            client.getOutputStream().write(payload);
            client.shutdownOutput(); // half-close: the answer must still come back
            assertEquals(payload.length + " bytes", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals("127.0.0.6", peer.get(5, TimeUnit.SECONDS));
        var inbound = proxy.metrics().of(Direction.INBOUND);
        assertEquals(1, inbound.openedTotal());
        assertEquals(payload.length, inbound.receivedBytes());
    }

    /**
     * An app that stops reading must stall the client, not fill the proxy: only the kernel's socket
     * buffers (a few MB each on loopback) may hold bytes, never the proxy's memory.
     */
    @Test
    void aReceiverThatDoesNotReadStallsTheSenderInsteadOfFillingTheProxy() throws Exception {
        proxy = start((InetSocketAddress) app.getLocalSocketAddress());
        var stalled = new java.util.concurrent.CountDownLatch(1);
        serveOnce(socket -> {
            stalled.await(20, TimeUnit.SECONDS); // accept, then read nothing
            return "";
        });
        var written = new java.util.concurrent.atomic.AtomicLong();
        try (Socket client = connect(proxy.outboundPort())) {
            OWN_THREAD.execute(() -> {
                byte[] chunk = new byte[64 << 10];
                try {
                    for (int i = 0; i < 1600; i++) { // 100 MB, far beyond every buffer on the path
                        client.getOutputStream().write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            Thread.sleep(2000);
            long stalledAt = written.get();
            Thread.sleep(500);
            assertEquals(stalledAt, written.get(), "the sender is blocked");
            assertTrue(stalledAt < 48L << 20, "only socket buffers hold data: " + (stalledAt >> 20) + " MB written");
            ReliabilityLog.record("SidecarProxyIT.aReceiverThatDoesNotReadStallsTheSenderInsteadOfFillingTheProxy",
                    "a client writing 100 MB to an app that accepts and never reads",
                    "the sender is blocked once the socket buffers are full (under 48 MB); the proxy buffers nothing more",
                    "written before the sender blocked, MB", stalledAt >> 20);
        } finally {
            stalled.countDown();
        }
    }

    @Test
    void upstreamThatRefusesClosesTheClientPromptly() throws Exception {
        int closedPort = app.getLocalPort();
        app.close();
        proxy = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort));

        try (Socket client = connect(proxy.outboundPort())) {
            client.setSoTimeout(3000);
            long started = System.nanoTime();
            assertClosedOrReset(client.getInputStream());
            long closedAfter = System.nanoTime() - started;
            assertTrue(closedAfter < TimeUnit.SECONDS.toNanos(2), "closed promptly");
            assertEquals(1, proxy.metrics().of(Direction.OUTBOUND).connectFailures());
            ReliabilityLog.record("SidecarProxyIT.upstreamThatRefusesClosesTheClientPromptly", "an upstream that refuses the connection",
                    "the client is closed within 2 s and the failure counted", "closed after ms", TimeUnit.NANOSECONDS.toMillis(closedAfter));
        }
    }

    /** The app takes the request and never answers: the idle timeout ends both sides, nothing stays open. */
    @Test
    void upstreamThatStallsIsClosedByTheIdleTimeout() throws Exception {
        settings = withIdleTimeout(Duration.ofSeconds(1));
        proxy = start((InetSocketAddress) app.getLocalSocketAddress());
        CompletableFuture<String> stalled = serveOnce(socket -> {
            socket.getInputStream().readNBytes(7); // the request, then silence
            return socket.getInputStream().read() == -1 ? "closed by the proxy" : "unexpected bytes";
        });
        try (Socket client = connect(proxy.outboundPort())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("request".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, client.getInputStream().read(), "closed by the 1 s idle timeout");
        }
        assertEquals("closed by the proxy", stalled.get(5, TimeUnit.SECONDS));
        waitFor(() -> proxy.metrics().of(Direction.OUTBOUND).active() == 0);
        ReliabilityLog.record("SidecarProxyIT.upstreamThatStallsIsClosedByTheIdleTimeout", "an app that takes the request and never answers",
                "the 1 s idle timeout closes both sides; no connection stays open", "idle timeout s", 1);
    }

    /**
     * The app sends part of its answer and resets the connection: the client gets those bytes, then a
     * reset (not a clean end that would pass a truncated answer off as complete), and nothing stays open.
     */
    @Test
    void upstreamThatResetsMidStreamResetsTheClientAfterTheBytesItSent() throws Exception {
        proxy = start((InetSocketAddress) app.getLocalSocketAddress());
        serveOnce(socket -> {
            socket.getInputStream().readNBytes(7);
            socket.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Thread.sleep(200);
            socket.setSoLinger(true, 0); // close with RST
            return "";
        });
        try (Socket client = connect(proxy.inboundPort())) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write("request".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            assertEquals("partial", new String(in.readNBytes(7), StandardCharsets.US_ASCII));
            var reset = assertThrows(IOException.class, () -> in.read(), "the client sees the reset");
            assertTrue(reset.getMessage().toLowerCase(java.util.Locale.ROOT).contains("reset"), reset.getMessage());
        }
        waitFor(() -> proxy.metrics().of(Direction.INBOUND).active() == 0);
        assertEquals("still serving", echoOnce(proxy.inboundPort(), "still serving"), "the proxy goes on");
        ReliabilityLog.record("SidecarProxyIT.upstreamThatResetsMidStreamResetsTheClientAfterTheBytesItSent",
                "an app that sends part of its answer, then resets the connection",
                "the client gets those bytes, then a reset (never a clean end); nothing stays open; the proxy goes on", "bytes before the reset", 7);
    }

    /**
     * Envoy's graceful drain: readiness fails at once, but the listeners go on accepting and relaying until
     * the drain period ends, because the cluster keeps sending until every node has removed the endpoint.
     * A burst of connections sent as the drain starts (in the accept queue when the listeners used to close
     * at once, and reset) and new connections during the period are all served; then the listeners close.
     */
    @Test
    void drainingFailsReadinessButKeepsAcceptingAndServingUntilThePeriodEnds() throws Exception {
        settings = drainSettings(Duration.ofSeconds(5), false);
        proxy = start((InetSocketAddress) app.getLocalSocketAddress());
        echoEveryConnection();
        assertEquals(200, status(proxy.healthPort()));
        try (Socket held = connect(proxy.outboundPort())) {
            held.setSoTimeout(10_000);
            assertEquals("held", exchange(held, "held"));
            int burst = 40;
            var answers = new ArrayList<CompletableFuture<String>>();
            for (int i = 0; i < burst; i++) {
                String text = "burst " + i;
                answers.add(CompletableFuture.supplyAsync(() -> exchangeOnce(proxy.outboundPort(), text), OWN_THREAD));
            }
            var drained = CompletableFuture.runAsync(this::drain, OWN_THREAD);
            waitFor(() -> status(proxy.healthPort()) == 503);
            int later = 10;
            for (int i = 0; i < later; i++) {
                assertEquals("during the drain " + i, exchangeOnce(proxy.outboundPort(), "during the drain " + i),
                        "a new connection during the drain period is accepted and served");
            }
            for (int i = 0; i < burst; i++) {
                assertEquals("burst " + i, answers.get(i).get(10, TimeUnit.SECONDS), "sent as the drain started");
            }
            assertEquals("still open", exchange(held, "still open"), "an open connection goes on during the drain");
            drained.get(30, TimeUnit.SECONDS); // the period ends although a connection is still open
            assertTrue(refused(proxy.outboundPort()) && refused(proxy.inboundPort()), "the listeners close at the end of the period");
            long acceptedWhileDraining = proxy.drainState().acceptedWhileDraining();
            assertTrue(acceptedWhileDraining >= later, "accepted while draining: " + acceptedWhileDraining);
            ReliabilityLog.record("SidecarProxyIT.drainingFailsReadinessButKeepsAcceptingAndServingUntilThePeriodEnds",
                    "drain (5 s) with a connection open, a burst of new connections sent as it starts, and more during the period",
                    "readiness fails (503) at once; every connection of the burst and every later one is accepted and answered; "
                            + "the open connection goes on; the listeners close when the period ends",
                    "burst connections answered", burst, "connections during the period answered", later,
                    "accepted while draining", acceptedWhileDraining);
        }
    }

    /**
     * Closing a listener resets every connection the kernel queued and the proxy had not accepted yet. With
     * accepting paused, 20 connections (most of them in the queue) have their request sent when the drain
     * (0 s) closes the listeners: every one must be accepted and answered, none reset.
     */
    @Test
    void connectionsQueuedWhenTheListenersCloseAreServedNotReset() throws Exception {
        settings = drainSettings(Duration.ZERO, false);
        proxy = start((InetSocketAddress) app.getLocalSocketAddress());
        echoEveryConnection();
        for (var listener : proxy.captureListeners()) {
            listener.config().setAutoRead(false);
            listener.eventLoop().submit(() -> { }).sync(); // the pause is in force once the loop ran it
        }
        int total = 20;
        var answers = new ArrayList<CompletableFuture<String>>();
        for (int i = 0; i < total; i++) {
            String text = "queued " + i;
            answers.add(CompletableFuture.supplyAsync(() -> exchangeOnce(proxy.outboundPort(), text), OWN_THREAD));
        }
        var outbound = proxy.metrics().of(Direction.OUTBOUND);
        // Epoll may still accept one per listener after the pause; every other one waits in the queue.
        waitFor(() -> queuedConnections() + outbound.openedTotal() == total);
        int queued = queuedConnections();
        assertTrue(queued >= total / 2, "queued " + queued + " of " + total);

        proxy.drain();
        for (int i = 0; i < total; i++) {
            assertEquals("queued " + i, answers.get(i).get(10, TimeUnit.SECONDS), "queued when the listeners closed");
        }
        assertTrue(refused(proxy.outboundPort()), "the listeners are closed");
        ReliabilityLog.record("SidecarProxyIT.connectionsQueuedWhenTheListenersCloseAreServedNotReset",
                "20 connections with their request sent, waiting in the kernel's accept queue when the drain closes the listeners",
                "no new handshake completes, the queue is accepted, then the listeners close: every one answered, none reset",
                "connections", total, "of them in the accept queue when the listeners closed", queued);
    }

    /** Istio's EXIT_ON_ZERO_ACTIVE_CONNECTIONS: the drain ends once no connection is open, long before the period. */
    @Test
    void exitOnZeroActiveConnectionsEndsTheDrainWhenTheLastConnectionCloses() throws Exception {
        settings = drainSettings(Duration.ofSeconds(600), true);
        proxy = start((InetSocketAddress) app.getLocalSocketAddress());
        echoEveryConnection();
        CompletableFuture<Void> drained;
        try (Socket held = connect(proxy.outboundPort())) {
            held.setSoTimeout(10_000);
            assertEquals("held", exchange(held, "held"));
            drained = CompletableFuture.runAsync(this::drain, OWN_THREAD);
            waitFor(() -> status(proxy.healthPort()) == 503);
            assertEquals("during the drain", exchangeOnce(proxy.outboundPort(), "during the drain"), "still accepting");
            Thread.sleep(2500); // more than two checks of the open connections
            assertFalse(drained.isDone(), "an open connection holds the drain");
            assertEquals("still open", exchange(held, "still open"));
        }
        drained.get(30, TimeUnit.SECONDS); // far less than the 600 s period
        assertTrue(refused(proxy.outboundPort()), "the listeners are closed");
        assertEquals(0, proxy.metrics().activeConnections());
        ReliabilityLog.record("SidecarProxyIT.exitOnZeroActiveConnectionsEndsTheDrainWhenTheLastConnectionCloses",
                "drain (600 s) with exit-on-zero-active-connections and a connection open",
                "new connections are still served; the open connection holds the drain; once it closes the listeners close "
                        + "and the drain ends (within 30 s, not 600 s)", "drain period s", 600);
    }

    @Test
    void prometheusEndpointServesTheMetrics() throws Exception {
        proxy = start((InetSocketAddress) app.getLocalSocketAddress());
        var connection = (HttpURLConnection) URI.create("http://127.0.0.1:%d/stats/prometheus".formatted(proxy.metricsPort()))
                .toURL().openConnection();
        String body = new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(body.contains("sidecar_proxy_connections_opened_total{direction=\"inbound\"} 0"), body);
        assertTrue(connection.getContentType().startsWith("text/plain; version=0.0.4"));
    }

    /** kubelet probes an IPv6 pod at its IPv6 address, and Prometheus scrapes it there: each admin port has both families. */
    @Test
    void healthStatusAndPrometheusAnswerOnIpv6AtTheSamePorts() throws Exception {
        proxy = start((InetSocketAddress) app.getLocalSocketAddress());
        for (int port : new int[] {proxy.healthPort(), proxy.statusPort(), proxy.metricsPort()}) {
            String path = port == proxy.metricsPort() ? "/stats/prometheus" : "/healthz/ready";
            for (String host : List.of("127.0.0.1", "[::1]")) {
                var connection = (HttpURLConnection) URI.create("http://%s:%d%s".formatted(host, port, path)).toURL().openConnection();
                assertEquals(200, connection.getResponseCode(), host + ":" + port + path);
            }
        }
    }

    /** Ephemeral ports (0) so tests never collide with a real proxy on this host. */
    private static ProxySettings withIdleTimeout(Duration idle) {
        return new ProxySettings(0, 0, 0, 0, Duration.ofSeconds(3), false, 2000, idle, 0, 0);
    }

    private static ProxySettings drainSettings(Duration drain, boolean exitOnZero) {
        return new ProxySettings(0, 0, 0, 0, drain, exitOnZero, 2000, Duration.ofSeconds(30), 0, 0);
    }

    private int queuedConnections() {
        int queued = 0;
        for (var listener : proxy.captureListeners()) {
            queued += AcceptQueue.length(listener);
        }
        return queued;
    }

    private void drain() {
        try {
            proxy.drain();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The app echoes each connection until its FIN, every connection on a thread of its own. */
    private void echoEveryConnection() {
        OWN_THREAD.execute(() -> {
            while (!app.isClosed()) {
                try {
                    Socket socket = app.accept();
                    OWN_THREAD.execute(() -> {
                        try (socket) {
                            socket.getInputStream().transferTo(socket.getOutputStream());
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    /** A line written and its echo read back on an open connection. */
    private static String exchange(Socket socket, String text) throws IOException {
        socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.US_ASCII));
        var line = new StringBuilder();
        for (int b = socket.getInputStream().read(); b != '\n'; b = socket.getInputStream().read()) {
            if (b < 0) {
                throw new IOException("closed after \"" + line + "\"");
            }
            line.append((char) b);
        }
        return line.toString();
    }

    private SidecarProxy start(InetSocketAddress destination) throws Exception {
        return new SidecarProxy(settings, accepted -> destination).start();
    }

    /** One more connection through the proxy: the app echoes what it got until the client's FIN. */
    private String echoOnce(int port, String text) throws Exception {
        serveOnce(socket -> {
            socket.getOutputStream().write(socket.getInputStream().readAllBytes());
            return "";
        });
        return exchangeOnce(port, text);
    }

    /** A connection that sends {@code text}, half-closes and reads the answer to the end. */
    private static String exchangeOnce(int port, String text) {
        try (Socket client = connect(port)) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "failed: " + e; // the assertion shows what the client saw
        }
    }

    private static Socket connect(int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    interface Exchange {
        String run(Socket socket) throws IOException, InterruptedException;
    }

    private CompletableFuture<String> serveOnce(Exchange exchange) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = app.accept()) {
                return exchange.run(socket);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, OWN_THREAD);
    }

    private static void assertClosedOrReset(InputStream in) {
        try {
            assertEquals(-1, in.read());
        } catch (IOException reset) {
            assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
        }
    }

    private static boolean refused(int port) {
        try (Socket probe = connect(port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int status(int port) {
        try {
            var connection = (HttpURLConnection) URI.create("http://127.0.0.1:%d/healthz/ready".formatted(port)).toURL().openConnection();
            return connection.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in 5 s");
            Thread.sleep(20);
        }
    }
}
