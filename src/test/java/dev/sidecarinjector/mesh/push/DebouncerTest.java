package dev.sidecarinjector.mesh.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DebouncerTest {

    private static final long MS = 1_000_000;

    @Test
    void aSingleChangeFiresAfterTheQuietPeriod() {
        var debouncer = new Debouncer(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertFalse(debouncer.fire(0));
        debouncer.changed(0);
        assertFalse(debouncer.fire(99 * MS));
        assertTrue(debouncer.fire(100 * MS));
        assertFalse(debouncer.fire(200 * MS), "fires once");
    }

    @Test
    void eachChangeRestartsTheQuietPeriod() {
        var debouncer = new Debouncer(Duration.ofMillis(100), Duration.ofSeconds(1));
        debouncer.changed(0);
        debouncer.changed(80 * MS);
        assertFalse(debouncer.fire(150 * MS));
        assertEquals(180 * MS, debouncer.deadline());
        assertTrue(debouncer.fire(180 * MS));
    }

    @Test
    void aStreamOfChangesFiresAtTheMaximumDelay() {
        var debouncer = new Debouncer(Duration.ofMillis(100), Duration.ofSeconds(1));
        for (long t = 0; t < 1000; t += 50) {
            debouncer.changed(t * MS);
            assertFalse(debouncer.fire(t * MS));
        }
        assertEquals(1000 * MS, debouncer.deadline());
        assertTrue(debouncer.fire(1000 * MS));
        debouncer.changed(1010 * MS);
        assertEquals(1110 * MS, debouncer.deadline(), "a new burst starts after firing");
    }
}
