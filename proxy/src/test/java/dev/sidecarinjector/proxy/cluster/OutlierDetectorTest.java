package dev.sidecarinjector.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.OutlierDetection;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

    private static EndpointState[] states(int count) {
        var states = new EndpointState[count];
        for (var i = 0; i < count; i++) {
            states[i] = new EndpointState();
        }
        return states;
    }

    private static void fail(OutlierDetector detector, EndpointState state, int status, int times, long now) {
        for (var i = 0; i < times; i++) {
            detector.onResponse(state, status, now);
        }
    }

    @Test
    void ejectionAndUnejectionFollowTheClock() {
        var states = states(2);
        // consecutive5xxErrors 3, interval 10 s, base ejection 30 s, at most 100 %.
        var detector = new OutlierDetector(new OutlierDetection(3, 0, 10_000, 30_000, 100, 0), states);
        fail(detector, states[0], 500, 2, 0);
        assertFalse(states[0].ejected(), "2 of 3");
        detector.onResponse(states[0], 503, 1_000);
        assertTrue(states[0].ejected(), "the third 5xx ejects at once");
        assertEquals(1, states[0].timesEjected());
        detector.tick(10_000);
        detector.tick(30_999);
        assertTrue(states[0].ejected(), "30 s from the ejection at 1 s have not passed");
        detector.tick(31_000);
        assertFalse(states[0].ejected(), "unejected on the first tick after 30 s");
        // Ejected again before a healthy interval lowered the multiplier: 2 × 30 s.
        fail(detector, states[0], 500, 3, 32_000);
        assertTrue(states[0].ejected());
        detector.tick(91_999);
        assertTrue(states[0].ejected(), "the second ejection lasts 60 s");
        detector.tick(92_000);
        assertFalse(states[0].ejected());
        assertEquals(2, states[0].timesEjected());
        // Healthy intervals lower the multiplier again: two ticks, then an ejection lasts 30 s.
        detector.tick(102_000);
        detector.tick(112_000);
        fail(detector, states[0], 500, 3, 113_000);
        detector.tick(143_000);
        assertFalse(states[0].ejected(), "back to 1 × 30 s");
        assertFalse(states[1].ejected());
    }

    @Test
    void aSuccessResetsTheCounters() {
        var states = states(2);
        var detector = new OutlierDetector(new OutlierDetection(3, 0, 10_000, 30_000, 100, 0), states);
        fail(detector, states[0], 500, 2, 0);
        detector.onResponse(states[0], 200, 0);
        fail(detector, states[0], 500, 2, 0);
        detector.onResponse(states[0], 404, 0);
        fail(detector, states[0], 500, 2, 0);
        assertFalse(states[0].ejected());
    }

    @Test
    void gatewayErrorsCountOnly502To504AndLocalFailures() {
        var states = states(2);
        var detector = new OutlierDetector(new OutlierDetection(0, 2, 10_000, 30_000, 100, 0), states);
        fail(detector, states[0], 500, 5, 0);
        assertFalse(states[0].ejected(), "500 is no gateway error, and consecutive5xxErrors is off");
        detector.onResponse(states[0], 502, 0);
        detector.onResponse(states[0], 500, 0);
        detector.onResponse(states[0], 504, 0);
        assertFalse(states[0].ejected(), "a 500 in between breaks the run");
        detector.onLocalFailure(states[0], 0);
        assertTrue(states[0].ejected(), "a connect failure is a gateway error");
    }

    @Test
    void localFailuresCountAs5xx() {
        var states = states(2);
        var detector = new OutlierDetector(new OutlierDetection(2, 0, 10_000, 30_000, 100, 0), states);
        detector.onLocalFailure(states[1], 0);
        detector.onResponse(states[1], 500, 0);
        assertTrue(states[1].ejected());
    }

    @Test
    void neverMoreThanMaxEjectionPercent() {
        var states = states(10);
        var detector = new OutlierDetector(new OutlierDetection(1, 0, 10_000, 30_000, 20, 0), states);
        for (var state : states) {
            detector.onResponse(state, 500, 0);
        }
        assertEquals(2, ejected(states), "20 % of 10");
    }

    @Test
    void oneCanBeEjectedWhenThePercentageRoundsToNone() {
        var states = states(2);
        var detector = new OutlierDetector(new OutlierDetection(1, 0, 10_000, 30_000, 10, 0), states);
        detector.onResponse(states[0], 500, 0);
        detector.onResponse(states[1], 500, 0);
        assertEquals(1, ejected(states), "10 % of 2 rounds to 0, and one is allowed");
        var none = states(2);
        var off = new OutlierDetector(new OutlierDetection(1, 0, 10_000, 30_000, 0, 0), none);
        off.onResponse(none[0], 500, 0);
        assertEquals(0, ejected(none), "maxEjectionPercent 0 ejects nothing");
    }

    @Test
    void aCappedEndpointIsEjectedOnceRoomIsMade() {
        var states = states(2);
        var detector = new OutlierDetector(new OutlierDetection(1, 0, 10_000, 30_000, 50, 0), states);
        detector.onResponse(states[0], 500, 0);
        detector.onResponse(states[1], 500, 0);
        assertFalse(states[1].ejected());
        detector.tick(30_000);
        detector.onResponse(states[1], 500, 30_000);
        assertTrue(states[1].ejected(), "the next failure after the first was unejected");
    }

    @Test
    void noEjectionWhileTooFewAreHealthy() {
        var states = states(4);
        var detector = new OutlierDetector(new OutlierDetection(1, 0, 10_000, 30_000, 100, 60), states);
        for (var state : states) {
            detector.onResponse(state, 500, 0);
        }
        // 4/4, then 3/4 = 75 % healthy allow an ejection; at 2/4 = 50 % < 60 % none more.
        assertEquals(2, ejected(states));
    }

    private static int ejected(EndpointState[] states) {
        var count = 0;
        for (var state : states) {
            if (state.ejected()) {
                count++;
            }
        }
        return count;
    }
}
