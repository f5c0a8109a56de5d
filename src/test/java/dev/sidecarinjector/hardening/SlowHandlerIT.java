package dev.sidecarinjector.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.Reviews;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A request whose body is complete but whose handler takes longer than {@code injector.http.body-timeout}.
 * The production idle timeout (120 s) stays, as in a cluster: in {@link IncompleteRequestsIT} it is shorter than
 * the body timeout and would close a quiet connection first.
 */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
@TestProfile(SlowHandlerIT.ShortBodyTimeout.class)
class SlowHandlerIT {

    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);

    /** The production settings with a short body timeout. */
    public static class ShortBodyTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("injector.http.body-timeout", BODY_TIMEOUT.toSeconds() + "s");
        }
    }

    private final RawClients clients = new RawClients(new WebhookClient().base());

    /**
     * The body deadline bounds the body, not the handler: a complete body whose handler is still working when the
     * deadline passes was answered 408 "body not complete", and the handler then failed writing its own answer.
     */
    @Test
    void aCompleteBodyIsNotCutOffWhileItsHandlerWorks() throws Exception {
        HeldHandler.ENTERED.drainPermits();
        HeldHandler.RELEASE.drainPermits();
        var body = Reviews.bytes(Reviews.podCreate("demo"));
        long answeredAfter;
        try (var socket = clients.tlsHandshaken()) {
            socket.getOutputStream().write(RawClients.ascii("POST /test/held HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n"));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            var started = System.nanoTime();
            assertTrue(HeldHandler.ENTERED.tryAcquire(30, TimeUnit.SECONDS), "the handler never got the body");
            // Held past the body deadline: nothing may come back, and the connection stays open.
            var held = RawClients.awaitClose(socket, BODY_TIMEOUT.plusSeconds(2));
            assertEquals(new RawClients.Ending(false, ""), held, "the server answered a complete body its handler was still working on");
            HeldHandler.RELEASE.release();
            var answer = RawClients.awaitClose(socket, Duration.ofSeconds(3)).received();
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("held " + body.length + " bytes"), answer);
            answeredAfter = RawClients.millisSince(started);
        } finally {
            HeldHandler.RELEASE.release();
        }
        clients.admitOnePod();
        ReliabilityLog.record("SlowHandlerIT.aCompleteBodyIsNotCutOffWhileItsHandlerWorks",
                "a complete body whose handler is held " + (BODY_TIMEOUT.toSeconds() + 2) + " s, past the body timeout of " + BODY_TIMEOUT.toSeconds() + " s",
                "no 408 and no close while the handler works; its own answer arrives once it is done",
                "answered after ms (including 3 s of reading)", answeredAfter);
    }
}
