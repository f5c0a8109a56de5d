package dev.sidecarinjector.api.snapshot;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Regexes are RE2's, on both sides: its syntax, its meaning, its bounds. */
class Re2RegexTest {

    @Test
    void re2SyntaxIsAccepted() {
        for (var regex : new String[] {"/\\p{L}+", "/\\x{41}+", "(?P<name>a+)", "/v[[:digit:]]+", "/\\pL", "[^]a]", "a{2}?",
            "(?i:abc)", "\\Qa.b\\E", "x{", "[[:word:]]"}) {
            assertDoesNotThrow(() -> Re2Regex.compile(regex), regex);
        }
    }

    @Test
    void re2SyntaxMeansWhatItMeansInRe2() {
        assertTrue(StringMatch.regex("/v[[:digit:]]+").matches("/v12", false));
        assertFalse(StringMatch.regex("/v[[:digit:]]+").matches("/vdig:", false), "a POSIX class, not the letters d, i, g, : ...");
        assertTrue(StringMatch.regex("/\\p{L}+").matches("/été", false));
        assertTrue(StringMatch.regex("/\\x{41}+").matches("/AA", false));
        assertTrue(StringMatch.regex("(?P<name>a+)").matches("aaa", false));
        assertTrue(StringMatch.regex("a|ab").matches("ab", false), "the whole value, whichever branch gets there");
        assertFalse(StringMatch.regex("v[0-9]+").matches("xv12", false), "a regex matches the whole value");
    }

    @Test
    void nestedStarsOnALongValueEndWithTheAnswer() {
        var regex = StringMatch.regex("/(.*a){12}");
        assertFalse(regex.matches("/" + "a".repeat(5_000) + "b", false));
        assertTrue(regex.matches("/" + "a".repeat(5_000), false));
    }

    @Test
    void javaOnlySyntaxIsRefusedWithItsName() {
        assertRefused("(a)\\1", "uses a backreference (`\\1`), which RE2 (Istio's regex engine) does not support");
        assertRefused("(?<x>a)\\k<x>", "uses a backreference (`\\k`), which RE2 (Istio's regex engine) does not support");
        assertRefused("(?=.*user=)", "uses a lookahead (`(?=`), which RE2 (Istio's regex engine) does not support");
        assertRefused("a(?!b)", "uses a lookahead (`(?!`), which RE2 (Istio's regex engine) does not support");
        assertRefused("(?<=a)b", "uses a lookbehind (`(?<=`), which RE2 (Istio's regex engine) does not support");
        assertRefused("(?>a)", "uses an atomic group (`(?>`), which RE2 (Istio's regex engine) does not support");
        assertRefused("a*+", "uses a possessive quantifier (`*+`), which RE2 (Istio's regex engine) does not support");
        assertRefused("a{2}+", "uses a possessive quantifier (`{2}+`), which RE2 (Istio's regex engine) does not support");
        assertRefused("/a[b", "is not an RE2 regular expression: missing closing ]: `[b`");
        assertRefused("a{1001}", "is not an RE2 regular expression: invalid repeat count: `{1001}`");
        assertRefused("[[:alfa:]]", "is not an RE2 regular expression: invalid character class range: `[:alfa:]`");
    }

    @Test
    void aProgramLargerThanIstioAllowsIsRefusedBeforeItIsBuilt() {
        assertRefused("((a{1000}){1000}){1000}", "is too large for RE2: its program would have about a billion or more instructions, "
                + "more than 32768 (Istio's limit for Envoy)");
        assertRefused("(abcd{1000}){20}", "is too large for RE2: its program would have about 40122 instructions, "
                + "more than 32768 (Istio's limit for Envoy)");
        assertDoesNotThrow(() -> Re2Regex.compile("[a-z]{1000}"));
        assertDoesNotThrow(() -> Re2Regex.compile("(" + "a|".repeat(5_000) + "b)"));
    }

    @Test
    void groupsNestAsDeepAsTheProxysStackAllows() throws InterruptedException {
        var deepest = "(?:".repeat(Re2Regex.MAX_DEPTH - 1) + "(a*)*" + ")*".repeat(Re2Regex.MAX_DEPTH - 1);
        var matched = new AtomicReference<Object>();
        // The proxy's threads' stack size (bin/sidecar-proxy's -Xss256k).
        var thread = new Thread(null, () -> {
            try {
                matched.set(Re2Regex.compile(deepest).matches("aaa"));
            } catch (Throwable e) {
                matched.set(e);
            }
        }, "small-stack", 256 * 1024);
        thread.start();
        thread.join();
        assertEquals(true, matched.get());
        assertRefused("(" + deepest + ")", "nests groups more than 100 deep");
    }

    private static void assertRefused(String regex, String reason) {
        var error = assertThrows(IllegalArgumentException.class, () -> Re2Regex.compile(regex), regex);
        assertEquals(reason, error.getMessage());
    }
}
