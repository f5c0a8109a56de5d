package dev.sidecarinjector.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.Fault;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import org.junit.jupiter.api.Test;

class FaultDecisionTest {

    @Test
    void delayAndAbortFollowTheirPercentages() {
        var fault = new Fault(2_000, 25, 503, 10);
        var random = RandomSource.seeded(11);
        var delayed = 0;
        var aborted = 0;
        for (var i = 0; i < 10_000; i++) {
            if (FaultDecision.delayMs(fault, random) == 2_000) {
                delayed++;
            }
            if (FaultDecision.abortStatus(fault, random) == 503) {
                aborted++;
            }
        }
        assertTrue(Math.abs(delayed - 2_500) <= 200, "delayed " + delayed);
        assertTrue(Math.abs(aborted - 1_000) <= 200, "aborted " + aborted);
    }

    @Test
    void fractionsHundredAndNone() {
        var random = RandomSource.seeded(5);
        var tenth = new Fault(0, 0, 500, 0.1);
        var aborted = 0;
        for (var i = 0; i < 100_000; i++) {
            if (FaultDecision.abortStatus(tenth, random) != 0) {
                aborted++;
            }
        }
        assertTrue(aborted >= 60 && aborted <= 140, "0.1 % of 100000 is about 100: " + aborted);
        assertEquals(1_000, FaultDecision.delayMs(new Fault(1_000, 100, 0, 0), random));
        assertEquals(0, FaultDecision.delayMs(new Fault(1_000, 0, 0, 0), random));
        assertEquals(0, FaultDecision.abortStatus(new Fault(1_000, 100, 0, 100), random), "no abort status, no abort");
        assertEquals(0, FaultDecision.delayMs(null, random));
        assertEquals(0, FaultDecision.abortStatus(null, random));
    }
}
