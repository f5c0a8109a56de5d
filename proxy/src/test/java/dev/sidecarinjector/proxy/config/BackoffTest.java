package dev.sidecarinjector.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromAHundredMillisecondsToFifteenSecondsWithinTheJitter() {
        var low = new Backoff(() -> 0.0);
        var high = new Backoff(() -> 0.999_999);
        var lows = new ArrayList<Long>();
        var highs = new ArrayList<Long>();
        for (var i = 0; i < 10; i++) {
            lows.add(low.next());
            highs.add(high.next());
        }
        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 7500L, 7500L), lows);
        assertEquals(List.of(99L, 199L, 399L, 799L, 1599L, 3199L, 6399L, 12799L, 14999L, 14999L), highs);
    }

    @Test
    void aResetStartsOver() {
        var backoff = new Backoff(() -> 0.0);
        backoff.next();
        backoff.next();
        backoff.reset();
        assertEquals(50L, backoff.next());
    }
}
