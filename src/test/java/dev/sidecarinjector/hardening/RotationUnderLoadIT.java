package dev.sidecarinjector.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The serving certificate rotated while clients keep opening new TLS connections, as kube-apiserver does when
 * it has no idle keep-alive connection: not one connection is refused, and once a handshake has seen the new
 * certificate, every handshake that starts later sees it too. Bounded by count of clients and by time.
 */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class RotationUnderLoadIT {

    private static final int CLIENTS = 4;
    /** Rotations to go through; each is waited for until every client has seen its certificate. */
    private static final int ROTATIONS = 3;
    private static final long ROTATION_BOUND_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One handshake: when it started and ended (System.nanoTime), and the serial it was served, or why it failed. */
    private record Handshake(long start, long end, BigInteger serial, String failure) {
    }

    private final WebhookClient webhook = new WebhookClient();
    private final RawClients clients = new RawClients(webhook.base());

    @Test
    void rotationRefusesNoConnectionAndNewHandshakesSeeTheNewCertificate() throws Exception {
        var handshakes = new ConcurrentLinkedQueue<Handshake>();
        var stop = new AtomicBoolean();
        var serials = new ArrayList<BigInteger>();
        var slowestRotation = 0L;
        serials.add(webhook.servedCertificateSerial());
        try (var pool = Executors.newFixedThreadPool(CLIENTS)) {
            var loops = new ArrayList<Future<?>>();
            for (var i = 0; i < CLIENTS; i++) {
                loops.add(pool.submit(() -> {
                    var deadline = System.nanoTime() + ROTATIONS * ROTATION_BOUND_NANOS;
                    while (!stop.get() && System.nanoTime() < deadline) {
                        handshakes.add(handshake());
                    }
                }));
            }
            for (var rotation = 0; rotation < ROTATIONS; rotation++) {
                Thread.sleep(500);
                DevCertificates.create();
                var rotated = System.nanoTime();
                var previous = serials.getLast();
                var deadline = System.nanoTime() + ROTATION_BOUND_NANOS;
                BigInteger next = null;
                while (next == null && System.nanoTime() < deadline) {
                    next = handshakes.stream().map(Handshake::serial).filter(serial -> serial != null && !serials.contains(serial))
                            .findFirst().orElse(null);
                    Thread.sleep(50);
                }
                assertTrue(next != null, "rotation " + (rotation + 1) + ": no handshake saw a new certificate within 30 s; still " + previous);
                serials.add(next);
                slowestRotation = Math.max(slowestRotation, RawClients.millisSince(rotated));
            }
            Thread.sleep(500);
            stop.set(true);
            for (var loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
        }
        var all = List.copyOf(handshakes);
        var failed = all.stream().filter(handshake -> handshake.failure() != null).toList();
        assertEquals(List.of(), failed.stream().limit(5).map(Handshake::failure).toList(),
                failed.size() + " of " + all.size() + " TLS connections failed during " + ROTATIONS + " rotations");
        // Once a handshake has ended with certificate n, no handshake started afterwards may get an older one.
        for (var n = 1; n < serials.size(); n++) {
            var version = n;
            var firstSeen = all.stream().filter(handshake -> serials.get(version).equals(handshake.serial()))
                    .mapToLong(Handshake::end).min().orElseThrow();
            var stale = all.stream().filter(handshake -> handshake.start() > firstSeen
                    && serials.indexOf(handshake.serial()) < version).toList();
            assertEquals(List.of(), stale, stale.size() + " handshakes got an older certificate after serial " + serials.get(version) + " was served at " + firstSeen + "; serials " + serials);
        }
        assertTrue(all.size() >= 50, "only " + all.size() + " handshakes during the rotations");
        clients.admitOnePod();
        ReliabilityLog.record("RotationUnderLoadIT.rotationRefusesNoConnectionAndNewHandshakesSeeTheNewCertificate",
                CLIENTS + " clients opening a new TLS connection in a loop while the serving certificate is rotated " + ROTATIONS + " times (reload period 1 s)",
                "no connection refused; once a handshake has seen a new certificate, every later one does",
                "handshakes", all.size(), "failed", failed.size(), "rotations", ROTATIONS,
                "longest from rotation to the new certificate ms", slowestRotation);
    }

    private Handshake handshake() {
        var start = System.nanoTime();
        try {
            var serial = webhook.servedCertificateSerial();
            return new Handshake(start, System.nanoTime(), serial, null);
        } catch (IOException e) {
            return new Handshake(start, System.nanoTime(), null, e.toString());
        }
    }
}
