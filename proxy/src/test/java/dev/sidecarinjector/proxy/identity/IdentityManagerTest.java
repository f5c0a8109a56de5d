package dev.sidecarinjector.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.config.Backoff;
import dev.sidecarinjector.proxy.config.ConfigClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate's life in the proxy, with a test CA and a scheduler that records instead of waiting. */
class IdentityManagerTest {

    @TempDir
    Path dir;

    /** Runs what is executed at once; keeps what is scheduled, with its delay. */
    static final class Recording implements ConfigClient.Scheduler {
        final List<Long> delays = new ArrayList<>();
        final List<Runnable> scheduled = new ArrayList<>();

        @Override
        public void schedule(Runnable task, long delayMillis) {
            delays.add(delayMillis);
            scheduled.add(task);
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        void runNext() {
            scheduled.removeFirst().run();
        }
    }

    private IdentityManager manager(TestCa ca, Recording scheduler, Duration grace, double jitter) throws Exception {
        var token = dir.resolve("token");
        Files.writeString(token, "default/productpage\n");
        return new IdentityManager(ca, token, Duration.ZERO, grace, scheduler, new Backoff(() -> 1.0), () -> jitter, new IdentityHolder());
    }

    @Test
    void getsItsCertificateThenRenewsAtAboutHalfItsLifetimeWithANewKey() throws Exception {
        var ca = new TestCa();
        var scheduler = new Recording();
        var manager = manager(ca, scheduler, Duration.ofSeconds(30), 0.0);
        var installed = new ArrayList<WorkloadCertificate>();
        manager.holder().onInstall(installed::add);
        assertFalse(manager.ready());
        manager.start();
        assertTrue(manager.ready());
        var first = manager.holder().current();
        assertEquals("spiffe://cluster.local/ns/default/sa/productpage", first.identity().uri());
        assertEquals(2, first.chain().size());
        var renewIn = scheduler.delays.getFirst();
        assertTrue(renewIn > Duration.ofHours(11).toMillis() && renewIn <= Duration.ofHours(12).toMillis(), "renewed at half of 24 h: " + renewIn);
        scheduler.runNext();
        var second = manager.holder().current();
        assertFalse(first.key().equals(second.key()), "a new key for each certificate");
        assertEquals(2, installed.size());
    }

    @Test
    void theJitterRenewsUpToATenthOfTheLifetimeEarlier() throws Exception {
        var scheduler = new Recording();
        manager(new TestCa(), scheduler, Duration.ofSeconds(30), 1.0).start();
        var renewIn = scheduler.delays.getFirst();
        assertTrue(renewIn > Duration.ofMinutes(9 * 60 + 30).toMillis() && renewIn <= Duration.ofHours(10).toMillis(), "at 40 %: " + renewIn);
    }

    /**
     * The control plane's CA puts not-before two minutes back: a 10 s certificate is still renewed at about half of
     * the 10 s it has, counted from when it came (Istio's secret cache), not at once as the backdated lifetime says.
     */
    @Test
    void aShortCertificateBackdatedForClockSkewIsRenewedAtHalfOfWhatItHasLeft() throws Exception {
        var ca = new TestCa();
        ca.lifetime = Duration.ofSeconds(10);
        ca.backdate = Duration.ofMinutes(2);
        var scheduler = new Recording();
        manager(ca, scheduler, Duration.ofSeconds(30), 0.0).start();
        var renewIn = scheduler.delays.getFirst();
        assertTrue(renewIn > 4_000 && renewIn <= 5_000, "at half of 10 s: " + renewIn);
    }

    @Test
    void aRefusalIsRetriedWithBackoffAndTheProxyIsNotReadyUntilTheGraceIsOver() throws Exception {
        var ca = new TestCa();
        ca.refuseWith = 401;
        var scheduler = new Recording();
        var manager = manager(ca, scheduler, Duration.ofHours(1), 0.0);
        manager.start();
        assertNull(manager.holder().current());
        assertFalse(manager.ready());
        assertTrue(manager.describe().contains("401 refused by the test CA"), manager.describe());
        assertTrue(scheduler.delays.getFirst() < 1_000, "first retry soon: " + scheduler.delays);
        ca.refuseWith = 0;
        scheduler.runNext();
        assertTrue(manager.ready());
    }

    @Test
    void aControlPlaneWithoutACaLeavesTheProxyReadyWithoutACertificate() throws Exception {
        var ca = new TestCa();
        ca.refuseWith = 404;
        var scheduler = new Recording();
        var manager = manager(ca, scheduler, Duration.ofHours(1), 0.0);
        manager.start();
        assertNull(manager.holder().current());
        assertTrue(manager.ready());
        assertEquals(60_000, scheduler.delays.getFirst());
    }
}
