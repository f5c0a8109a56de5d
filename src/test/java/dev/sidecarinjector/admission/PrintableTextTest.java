package dev.sidecarinjector.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Control characters from a request never reach a log line, an Event or a denial raw. */
class PrintableTextTest {

    @Test
    void everyControlCharacterIsEscaped() {
        for (var c = 0; c <= 0xffff; c++) {
            var control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
            var text = "a" + (char) c + "b";
            var escaped = PrintableText.escape(text);
            if (control) {
                assertTrue(escaped.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), () -> escaped);
            } else {
                assertSame(text, escaped, "U+" + Integer.toHexString(text.charAt(1)) + " is printable and left alone");
            }
        }
    }

    @Test
    void escapesReadAsKubernetesQuotesThem() {
        assertEquals("web-\\r\\n\\t\\x1b[31m\\x00\\x7f\\u0085\\u009b\\u2028\\u2029-\\x",
                PrintableText.escape("web-\r\n\t\u001b[31m\u0000\u007f\u0085\u009b\u2028\u2029-\\x"));
    }

    @Test
    void logfmtValuesAreBareOnlyWhenPlain() {
        assertEquals("web-*", PrintableText.quote("web-*"));
        assertEquals("\"\"", PrintableText.quote(""));
        assertEquals("\"\"", PrintableText.quote(null));
        assertEquals("\"a b\"", PrintableText.quote("a b"));
        assertEquals("\"caf\u00e9\"", PrintableText.quote("caf\u00e9"));
        assertEquals("\"x\\r\\nforged outcome=injected\\x1b[2J \\\"q\\\" \\\\\"",
                PrintableText.quote("x\r\nforged outcome=injected\u001b[2J \"q\" \\"));
    }

    @Test
    void aTraceKeepsItsFramesAndLosesItsControlCharacters() {
        var cause = new IllegalArgumentException("value \"\u001b[2J\"");
        var error = new IllegalStateException("outer\r\nforged", cause);
        var escaped = PrintableText.trace(error);
        var printed = new StringWriter();
        escaped.printStackTrace(new PrintWriter(printed));
        var lines = printed.toString().lines().toList();
        assertEquals("java.lang.IllegalStateException: outer\\r\\nforged", lines.getFirst());
        assertTrue(lines.contains("Caused by: java.lang.IllegalArgumentException: value \"\\x1b[2J\""), printed::toString);
        assertEquals(error.getStackTrace()[0], escaped.getStackTrace()[0]);
        assertTrue(printed.toString().chars().noneMatch(c -> c == 0x1b || c == '\r'), printed::toString);
    }

    @Test
    void aCircularCauseChainEnds() {
        var first = new RuntimeException("a");
        var second = new RuntimeException("b", first);
        first.initCause(second);
        var depth = 0;
        for (var t = PrintableText.trace(second); t != null; t = t.getCause()) {
            depth++;
        }
        assertEquals(16, depth);
    }
}
