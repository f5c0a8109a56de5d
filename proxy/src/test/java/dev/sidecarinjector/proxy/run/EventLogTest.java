package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventLogTest {
    @Test
    void timestampsMatchInstantToStringAtMillisecondPrecision() {
        var random = new Random(1);
        long[] fixed = {0, 951_782_400_000L /* 2000-02-29 */, 4_107_542_399_999L /* 2100-02-28 end */, -1};
        for (long millis : fixed) {
            assertEquals(expected(millis), EventLog.utc(millis));
        }
        for (int i = 0; i < 10_000; i++) {
            long millis = (long) (random.nextDouble() * 8_000_000_000_000L);
            assertEquals(expected(millis), EventLog.utc(millis));
        }
    }

    /** Instant prints no fraction for whole seconds; the log always prints milliseconds. */
    private static String expected(long millis) {
        Instant instant = Instant.ofEpochMilli(millis);
        String seconds = instant.truncatedTo(ChronoUnit.SECONDS).toString();
        return seconds.substring(0, seconds.length() - 1) + ".%03dZ".formatted(Math.floorMod(millis, 1000L));
    }
}
