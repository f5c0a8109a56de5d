package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LastValue} makes a value once for a run of equal keys, and again for each key that differs from the last. */
class LastValueTest {

    @Test
    void anEqualKeyGetsTheValueMadeForTheLast() {
        var made = new ArrayList<List<String>>();
        var last = new LastValue<List<String>, String>();
        var first = last.get(List.of("a", "b"), key -> {
            made.add(key);
            return String.join(",", key);
        });
        // An equal key, not the same object: the value made before.
        assertSame(first, last.get(new ArrayList<>(List.of("a", "b")), key -> "made again"));
        assertEquals("c", last.get(List.of("c"), key -> "c"));
        // One entry: the first key is made again once another came between.
        assertEquals("a,b again", last.get(List.of("a", "b"), key -> "a,b again"));
        assertEquals(List.of(List.of("a", "b")), made);
    }
}
