package dev.sidecarinjector.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

/** Readiness follows what garbage collection leaves in the heap, down and back up, through the real MXBeans. */
class MemoryReadinessTest {

    private static final long BALLAST = 96L << 20;

    @Test
    void downWhileCollectionsLeaveTheHeapAboveTheLimitAndUpOnceItIsFreed() {
        var pools = ManagementFactory.getMemoryPoolMXBeans();
        var max = Runtime.getRuntime().maxMemory();
        System.gc();
        var baseline = new MemoryReadiness(pools, max, 1.0).heapAfterGc();
        assumeTrue(baseline >= 0, "this garbage collector reports no collection usage");
        assumeTrue(baseline + BALLAST < max / 2, "the test heap is too small for the ballast");
        // The limit sits half the ballast above what collection leaves now: only the ballast can cross it.
        var check = new MemoryReadiness(pools, max, (baseline + BALLAST / 2) / (double) max);
        assertEquals(Status.UP, check.call().getStatus(), () -> check.call().getData().toString());

        var ballast = new byte[(int) (BALLAST / 8)][];
        for (var i = 0; i < 8; i++) {
            ballast[i] = new byte[(int) (BALLAST / 8)];
        }
        System.gc();
        var down = check.call();
        Reference.reachabilityFence(ballast);
        assertEquals(Status.DOWN, down.getStatus(), () -> down.getData().toString());

        ballast = null;
        System.gc();
        assertEquals(Status.UP, check.call().getStatus(), () -> check.call().getData().toString());
    }

    @Test
    void upWithTheFiguresWhenTheHeapIsFine() {
        var response = new MemoryReadiness(ManagementFactory.getMemoryPoolMXBeans(), Runtime.getRuntime().maxMemory(), 1.0).call();
        assertEquals(Status.UP, response.getStatus());
        assertEquals("memory", response.getName());
        assertEquals(100L, response.getData().orElseThrow().get("downAtPercent"));
    }
}
