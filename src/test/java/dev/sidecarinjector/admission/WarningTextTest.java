package dev.sidecarinjector.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Warnings as the API server's warning recorder takes them: no control character, each and all bounded. */
class WarningTextTest {

    @Test
    void controlCharactersAreEscapedAndUnpairedSurrogatesReplaced() {
        assertEquals(List.of("a\\x1b[2Jb\\r\\nc\\u0085 \u00e9\ud83d\ude00 \ufffd"), WarningText.bounded(List.of("a\u001b[2Jb\r\nc\u0085 \u00e9\ud83d\ude00 \ud83d")));
    }

    @Test
    void aLongWarningIsCutTo256CodePointsWithoutSplittingOne() {
        var exact = "x".repeat(WarningText.MAX_CHARACTERS);
        assertEquals(exact, WarningText.one(exact));
        var emoji = "\ud83d\ude00".repeat(300);
        var cut = WarningText.one(emoji);
        assertEquals(WarningText.MAX_CHARACTERS, cut.codePointCount(0, cut.length()));
        assertEquals("\ud83d\ude00".repeat(WarningText.MAX_CHARACTERS - 3) + "...", cut);
        // Escaping lengthens the text first: the cut is on the escaped text, never inside an escape's count.
        var escaped = WarningText.one("\u001b".repeat(100));
        assertEquals(WarningText.MAX_CHARACTERS, escaped.length());
        assertTrue(escaped.endsWith("..."));
    }

    @Test
    void theTotalStaysWithinTheBudgetAndTheRestIsCounted() {
        var warnings = new ArrayList<String>();
        for (var i = 0; i < 40; i++) {
            warnings.add(i + " " + "w".repeat(200));
        }
        warnings.add("0 " + "w".repeat(200));
        var bounded = WarningText.bounded(warnings);
        var total = bounded.stream().mapToInt(warning -> warning.codePointCount(0, warning.length())).sum();
        assertTrue(total <= WarningText.BUDGET, "total " + total);
        assertEquals(warnings.subList(0, bounded.size() - 1), bounded.subList(0, bounded.size() - 1));
        assertEquals((40 - (bounded.size() - 1)) + " more warnings about this pod are in the sidecar-injector's log", bounded.getLast());
        assertEquals(List.of("a", "b"), WarningText.bounded(List.of("a", "b", "a")), "each text once, as the API server keeps it");
    }
}
