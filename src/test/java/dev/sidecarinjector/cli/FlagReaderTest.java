package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagReaderTest {

    @Test
    void readsSeparateAndInlineValuesAndShortFlags() {
        var flags = new FlagReader("--namespace", "demo", "--image=pause:1", "-f", "-", "--explain");
        assertTrue(flags.next());
        assertEquals("--namespace", flags.name());
        assertEquals("demo", flags.value());
        assertTrue(flags.next());
        assertEquals("--image", flags.name());
        assertEquals("pause:1", flags.value());
        assertTrue(flags.next());
        assertEquals("-f", flags.name());
        assertEquals("-", flags.value());
        assertTrue(flags.next());
        assertEquals("--explain", flags.name());
        assertFalse(flags.next());
    }

    @Test
    void anEmptyInlineValueIsAValue() {
        var flags = new FlagReader("--namespace=");
        flags.next();
        assertEquals("", flags.value());
    }

    @Test
    void errorsNameTheFlagAndTheValue() {
        var missing = new FlagReader("--namespace");
        missing.next();
        assertEquals("--namespace needs a value", assertThrows(UsageException.class, missing::value).getMessage());

        var words = new FlagReader("--timeout-seconds=soon");
        words.next();
        assertEquals("--timeout-seconds \"soon\" is not a whole number",
                assertThrows(UsageException.class, () -> words.intValue(1, 3600)).getMessage());

        var range = new FlagReader("--timeout-seconds", "0");
        range.next();
        assertEquals("--timeout-seconds 0 is not between 1 and 3600",
                assertThrows(UsageException.class, () -> range.intValue(1, 3600)).getMessage());

        var unknown = new FlagReader("--colour=red");
        unknown.next();
        assertEquals("unknown flag \"--colour=red\"", unknown.unknown().getMessage());
        assertEquals("unknown flag \"--colour=red\"", unknown.unknown(Map.of("--color", "use --paint")).getMessage());
        assertEquals("unknown flag \"--colour=red\": use --paint", unknown.unknown(Map.of("--colour", "use --paint")).getMessage());
    }
}
