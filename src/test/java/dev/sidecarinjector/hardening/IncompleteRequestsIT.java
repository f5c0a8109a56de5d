package dev.sidecarinjector.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * What bounds a slow client: {@code quarkus.http.idle-timeout} closes a connection whose request headers are not
 * complete in time, even while the client keeps dripping header bytes, and a keep-alive connection left idle;
 * {@code injector.http.body-timeout} answers 408 and closes a request whose body is still dripping in after it.
 * Production sets both in application.properties; here they are shortened so the test takes seconds.
 */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
@TestProfile(IncompleteRequestsIT.ShortTimeouts.class)
class IncompleteRequestsIT {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(3);
    /** The longer timeout plus room for a loaded machine. */
    private static final Duration BOUND = BODY_TIMEOUT.plusSeconds(8);
    private static final int BODY_DRIPPERS = 20;

    /** The production settings with short idle and body timeouts. */
    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s",
                    "injector.http.body-timeout", BODY_TIMEOUT.toSeconds() + "s");
        }
    }

    private final RawClients clients = new RawClients(new WebhookClient().base());

    @Test
    void partialRequestThenSilenceIsClosed() throws Exception {
        try (var socket = clients.tlsHandshaken()) {
            socket.getOutputStream().write(RawClients.ascii("POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Type: app"));
            var started = System.nanoTime();
            assertTrue(RawClients.closedByServer(socket, BOUND), "a silent, incomplete request was still open after " + BOUND);
            record("partialRequestThenSilenceIsClosed", "half a request line and headers, then silence",
                    "closed by the idle timeout", started);
        }
        clients.admitOnePod();
    }

    @Test
    void headersDrippedByteByByteAreCutOff() throws Exception {
        try (var socket = clients.tlsHandshaken()) {
            socket.getOutputStream().write(RawClients.ascii("POST /inject HTTP/1.1\r\nHost: localhost\r\nX-Slow: "));
            var started = System.nanoTime();
            assertTrue(dripUntilClosed(socket, BOUND), "headers dripped every 200 ms kept the connection open for " + BOUND);
            record("headersDrippedByteByByteAreCutOff", "a header dripped one byte every 200 ms",
                    "closed by the idle timeout: header bytes do not reset it", started);
        }
        clients.admitOnePod();
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        try (var socket = clients.tlsHandshaken()) {
            socket.getOutputStream().write(RawClients.ascii("GET /q/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            // Reads the answer, then waits for the server to close the now idle connection.
            var started = System.nanoTime();
            assertTrue(RawClients.closedByServer(socket, BOUND), "an idle keep-alive connection was still open after " + BOUND);
            record("idleKeepAliveConnectionIsClosed", "a keep-alive connection left idle after one request",
                    "closed by the idle timeout", started);
        }
    }

    @Test
    void bodyDrippedByteByByteIsAnswered408WhileOthersAreAdmitted() throws Exception {
        var dripping = new ArrayList<SSLSocket>();
        var received = new HashMap<SSLSocket, StringBuilder>();
        var admitted = 0;
        var slowest = 0L;
        var started = System.nanoTime();
        var lastClosed = 0L;
        try {
            for (var i = 0; i < BODY_DRIPPERS; i++) {
                var socket = clients.tlsHandshaken();
                socket.getOutputStream().write(RawClients.ascii("POST /inject HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"));
                dripping.add(socket);
                received.put(socket, new StringBuilder());
            }
            // Each round reads what came back, then drips one more body byte into every connection still open
            // (a body byte resets the idle timer) and admits one pod on a fresh connection.
            var open = new ArrayList<>(dripping);
            var deadline = System.nanoTime() + BOUND.toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (var socket : List.copyOf(open)) {
                    var ending = RawClients.awaitClose(socket, Duration.ofMillis(10));
                    received.get(socket).append(ending.received());
                    if (ending.closed()) {
                        open.remove(socket);
                        lastClosed = RawClients.millisSince(started);
                        continue;
                    }
                    try {
                        socket.getOutputStream().write(' ');
                        socket.getOutputStream().flush();
                    } catch (IOException e) {
                        open.remove(socket);
                        lastClosed = RawClients.millisSince(started);
                    }
                }
                slowest = Math.max(slowest, clients.admitOnePod());
                admitted++;
            }
            assertEquals(0, open.size(), open.size() + " of " + BODY_DRIPPERS + " connections dripping a body were still open after " + BOUND);
        } finally {
            RawClients.closeAll(dripping);
        }
        for (var socket : dripping) {
            assertTrue(received.get(socket).toString().startsWith("HTTP/1.1 408 "), "a dripped body was answered: " + received.get(socket));
        }
        assertTrue(admitted >= 5, "only " + admitted + " admissions while the bodies dripped");
        clients.admitOnePod();
        ReliabilityLog.record("IncompleteRequestsIT.bodyDrippedByteByByteIsAnswered408WhileOthersAreAdmitted",
                BODY_DRIPPERS + " TLS clients sending headers, then a body byte every ~200 ms (body timeout " + BODY_TIMEOUT.toSeconds() + " s)",
                "every one answered 408 and closed by injector.http.body-timeout; admissions answered meanwhile",
                "drippers", BODY_DRIPPERS, "answered 408 and closed", BODY_DRIPPERS, "last closed, ms after the first opened", lastClosed,
                "admissions meanwhile", admitted, "slowest admission ms", slowest);
    }

    private static void record(String test, String tried, String held, long startedNanos) {
        ReliabilityLog.record("IncompleteRequestsIT." + test, tried + " (idle timeout " + IDLE_TIMEOUT.toSeconds() + " s)", held,
                "closed after ms", RawClients.millisSince(startedNanos));
    }

    /** Writes one header byte every 200 ms until the server closes the connection or {@code within} passes. */
    private static boolean dripUntilClosed(SSLSocket socket, Duration within) throws IOException {
        var deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                socket.getOutputStream().write('a');
                socket.getOutputStream().flush();
            } catch (IOException e) {
                return true;
            }
            if (RawClients.closedByServer(socket, Duration.ofMillis(200))) {
                return true;
            }
        }
        return false;
    }
}
