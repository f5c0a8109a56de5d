package dev.sidecarinjector.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Slow and abusive clients against the running server: while they misbehave, and after they leave, an honest
 * client (standing in for kube-apiserver) still gets every admission answered within the API server's timeout,
 * and the server is ready. Every loop is bounded in count and time.
 */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class AbusiveClientsIT {

    private static final int SLOW_CLIENTS = 50;
    private static final int FLOOD_CONNECTIONS = 500;
    private static final int GARBAGE_CONNECTIONS = 200;
    private static final int SILENT_CONNECTIONS = 20;
    /** Admissions sent while the slow clients drip. */
    private static final int ADMISSIONS = 20;
    /** quarkus.tls.handshake-timeout, 10 s by default, plus room for a loaded machine. */
    private static final Duration HANDSHAKE_TIMEOUT_BOUND = Duration.ofSeconds(20);

    private final WebhookClient webhook = new WebhookClient();
    private final RawClients clients = new RawClients(webhook.base());

    @Test
    void slowlorisHeadersDoNotStarveOthers() throws Exception {
        var slow = new ArrayList<SSLSocket>();
        var slowest = 0L;
        var stop = new AtomicBoolean();
        var dripped = new AtomicInteger();
        try (var dripper = Executors.newSingleThreadExecutor()) {
            for (var i = 0; i < SLOW_CLIENTS; i++) {
                try {
                    var socket = clients.tlsHandshaken();
                    socket.getOutputStream().write(RawClients.ascii("POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Slow: "));
                    slow.add(socket);
                } catch (IOException e) {
                    // counted below
                }
            }
            assertEquals(SLOW_CLIENTS, slow.size(), "slow clients that got a TLS connection");
            // One header byte per connection every 100 ms, for at most 8 s: the headers never end.
            Future<?> drip = dripper.submit(() -> {
                var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
                while (!stop.get() && System.nanoTime() < deadline) {
                    for (var socket : slow) {
                        try {
                            socket.getOutputStream().write('a');
                            dripped.incrementAndGet();
                        } catch (IOException e) {
                            // the server may close a slow client; that is allowed
                        }
                    }
                    sleep(100);
                }
            });
            sleep(300);
            for (var i = 0; i < ADMISSIONS; i++) {
                slowest = Math.max(slowest, clients.admitOnePod());
            }
            stop.set(true);
            drip.get(10, TimeUnit.SECONDS);
        } finally {
            RawClients.closeAll(slow);
        }
        assertTrue(dripped.get() >= slow.size(), "the slow clients sent only " + dripped.get() + " bytes");
        assertServerRecovered();
        ReliabilityLog.record("AbusiveClientsIT.slowlorisHeadersDoNotStarveOthers",
                SLOW_CLIENTS + " TLS clients dripping header bytes every 100 ms for up to 8 s",
                "every admission meanwhile answered within kube-apiserver's 10 s timeout; ready afterwards",
                "slow clients", SLOW_CLIENTS, "header bytes dripped", dripped.get(), "admissions meanwhile", ADMISSIONS,
                "slowest admission ms", slowest);
    }

    @Test
    void connectionFloodDoesNotStarveOthersAndIsReleased() throws Exception {
        var before = RawClients.openFileDescriptors();
        var open = new ConcurrentLinkedQueue<SSLSocket>();
        var failures = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(16)) {
            var tasks = new ArrayList<Future<?>>();
            for (var i = 0; i < FLOOD_CONNECTIONS; i++) {
                tasks.add(pool.submit(() -> {
                    try {
                        open.add(clients.tlsHandshaken());
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                }));
            }
            for (var task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
        }
        var during = RawClients.openFileDescriptors();
        var slowest = 0L;
        try {
            assertEquals(0, failures.get(), failures.get() + " of " + FLOOD_CONNECTIONS + " TLS connections failed");
            for (var i = 0; i < 10; i++) {
                slowest = Math.max(slowest, clients.admitOnePod());
            }
        } finally {
            RawClients.closeAll(List.copyOf(open));
        }
        // Both ends of every flood connection live in this JVM: once closed, the server must let go of its side too.
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        var after = RawClients.openFileDescriptors();
        while (after > before + 20 && System.nanoTime() < deadline) {
            sleep(200);
            after = RawClients.openFileDescriptors();
        }
        assertTrue(after <= before + 20, "file descriptors: " + before + " before the flood, " + after + " after it was closed");
        assertServerRecovered();
        ReliabilityLog.record("AbusiveClientsIT.connectionFloodDoesNotStarveOthersAndIsReleased",
                FLOOD_CONNECTIONS + " TLS connections opened (16 at a time) and held",
                "every connection accepted; admissions meanwhile answered within 10 s; once closed, the file descriptors come back (at most 20 over)",
                "connections", FLOOD_CONNECTIONS, "failed", failures.get(), "admissions meanwhile", 10, "slowest admission ms", slowest,
                "fds before", before, "fds while held (both ends)", during, "fds after", after);
    }

    @Test
    void tlsHandshakeGarbageIsRefusedAndSilentConnectionsAreDropped() throws Exception {
        var random = new Random(6);
        var silent = new ArrayList<Socket>();
        try {
            // Connections that never finish a handshake: nothing at all, or a TLS record header promising more.
            for (var i = 0; i < SILENT_CONNECTIONS; i++) {
                var socket = clients.tcp();
                if (i % 2 == 1) {
                    socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
                }
                silent.add(socket);
            }
            var refused = 0;
            var longestWait = 0L;
            for (var i = 0; i < GARBAGE_CONNECTIONS; i++) {
                try (var socket = clients.tcp()) {
                    byte[] garbage;
                    if (i % 10 == 0) {
                        garbage = RawClients.ascii("POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}");
                    } else {
                        garbage = new byte[1 + random.nextInt(16_384)];
                        random.nextBytes(garbage);
                    }
                    try {
                        socket.getOutputStream().write(garbage);
                    } catch (IOException e) {
                        // the server may reset before all of it is written
                    }
                    // Mostly at once; random bytes that happen to look like the start of a long TLS record wait
                    // for the rest until the handshake timeout.
                    var waiting = System.nanoTime();
                    if (RawClients.closedByServer(socket, HANDSHAKE_TIMEOUT_BOUND)) {
                        refused++;
                    }
                    longestWait = Math.max(longestWait, RawClients.millisSince(waiting));
                }
                if (i % 50 == 0) {
                    clients.admitOnePod();
                }
            }
            assertEquals(GARBAGE_CONNECTIONS, refused, "connections that sent garbage and were closed by the server");
            clients.admitOnePod();
            var dropped = 0;
            for (var socket : silent) {
                if (RawClients.closedByServer(socket, HANDSHAKE_TIMEOUT_BOUND)) {
                    dropped++;
                }
            }
            assertEquals(SILENT_CONNECTIONS, dropped, "connections without a TLS handshake closed by the handshake timeout");
            assertServerRecovered();
            ReliabilityLog.record("AbusiveClientsIT.tlsHandshakeGarbageIsRefusedAndSilentConnectionsAreDropped",
                    GARBAGE_CONNECTIONS + " connections of random bytes (1 to 16 KB) or plain HTTP; " + SILENT_CONNECTIONS
                            + " that send nothing or half a TLS record",
                    "every garbage connection closed by the server; the silent ones dropped by the 10 s handshake timeout; admissions answered throughout",
                    "garbage connections", GARBAGE_CONNECTIONS, "closed by the server", refused, "longest wait for the close ms", longestWait,
                    "silent connections", SILENT_CONNECTIONS, "dropped", dropped);
        } finally {
            RawClients.closeAll(silent);
        }
    }

    @Test
    void idleTimeoutDropsSlowClientsButOutlivesTheApiServersIdleConnections() {
        // IncompleteRequestsIT shows the mechanism with a short timeout; this pins the shipped value.
        var idle = ConfigProvider.getConfig().getValue("quarkus.http.idle-timeout", Duration.class);
        assertTrue(idle.compareTo(Duration.ofSeconds(90)) > 0 && idle.compareTo(Duration.ofMinutes(5)) <= 0,
                "quarkus.http.idle-timeout is " + idle + ": keep it above kube-apiserver's 90 s and at most 5 min");
        ReliabilityLog.record("AbusiveClientsIT.idleTimeoutDropsSlowClientsButOutlivesTheApiServersIdleConnections",
                "the shipped quarkus.http.idle-timeout", "above kube-apiserver's 90 s idle-connection timeout, at most 5 minutes",
                "idle timeout s", idle.toSeconds());
    }

    private void assertServerRecovered() throws Exception {
        assertEquals(200, webhook.get("/q/health/ready").status());
        clients.admitOnePod();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
