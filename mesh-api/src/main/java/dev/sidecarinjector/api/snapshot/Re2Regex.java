package dev.sidecarinjector.api.snapshot;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.sidecarinjector.api.text.ShownValue;

/**
 * A regex as Istio's proxy (Envoy) runs it: RE2's syntax and meaning through re2j, Google's Java port of RE2, so a
 * match takes time linear in the text, whatever the pattern. The control plane checks regexes with it and the proxy
 * compiles them with it when it reads a snapshot, so what one accepts the other runs the same way.
 */
public final class Re2Regex {

    /** Istio's bootstrap sets Envoy's {@code re2.max_program_size.error_level} to this; a larger regex is refused. */
    public static final int MAX_PROGRAM_SIZE = 32768;
    /**
     * Deeper groups are refused: re2j's parser and compiler recurse once or twice a level and the proxy's threads have
     * 256 KB stacks (-Xss256k), which overflowed past 400 levels. Envoy takes more; no real route regex needs this many.
     */
    public static final int MAX_DEPTH = 100;

    private Re2Regex() {
    }

    /**
     * {@code regex} compiled, or an {@link IllegalArgumentException} whose message says why not, written to follow the
     * quoted value ({@code is not an RE2 regular expression: missing closing ]: `[b`}).
     */
    public static Pattern compile(String regex) {
        var size = programSize(regex);
        if (size > MAX_PROGRAM_SIZE) {
            throw new IllegalArgumentException("is too large for RE2: its program would have about "
                    + (size > 1_000_000_000L ? "a billion or more" : String.valueOf(size)) + " instructions, more than "
                    + MAX_PROGRAM_SIZE + " (Istio's limit for Envoy)");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(reason(e.getDescription(), e.getPattern()));
        }
    }

    /** re2j's complaint, with the name of the Java or PCRE construct when that is what RE2 lacks. */
    private static String reason(String description, String piece) {
        var lacks = switch (description) {
            case "invalid escape sequence" -> piece.matches("\\\\[1-9k].*") ? "a backreference" : null;
            case "invalid or unsupported Perl syntax" -> piece.startsWith("(?=") || piece.startsWith("(?!") ? "a lookahead"
                    : piece.startsWith("(?>") ? "an atomic group" : null;
            case "invalid named capture" -> piece.startsWith("(?<=") || piece.startsWith("(?<!") ? "a lookbehind" : null;
            case "invalid nested repetition operator" -> piece.endsWith("+") ? "a possessive quantifier" : null;
            default -> null;
        };
        // re2j quotes the rest of the pattern after a lookbehind: its opening says enough.
        var shown = ShownValue.of(lacks != null && piece.startsWith("(?<") ? piece.substring(0, 4) : piece, "`");
        return lacks != null ? "uses " + lacks + " (" + shown + "), which RE2 (Istio's regex engine) does not support"
                : "is not an RE2 regular expression: " + description + ": " + shown;
    }

    /**
     * About the number of instructions RE2 compiles {@code regex} to (a counted repetition copies what it repeats), capped
     * far above the limit; an {@link IllegalArgumentException} when groups nest deeper than {@link #MAX_DEPTH}. Run
     * before re2j sees the pattern, whose compiler would try to build a program of any size.
     */
    static long programSize(String regex) {
        final long cap = 1L << 40;
        var totals = new long[MAX_DEPTH + 1];
        var lasts = new long[MAX_DEPTH + 1];
        var depth = 0;
        var i = 0;
        while (i < regex.length()) {
            var c = regex.charAt(i);
            long atom = -1;
            switch (c) {
                case '\\' -> {
                    var end = regex.startsWith("Q", i + 1) ? regex.indexOf("\\E", i + 2) : -1;
                    atom = end >= 0 ? end - i - 2 : regex.startsWith("\\Q", i) ? regex.length() - i - 2 : 1;
                    i = end >= 0 ? end + 2 : regex.startsWith("\\Q", i) ? regex.length() : escapeEnd(regex, i);
                }
                case '[' -> {
                    atom = 1;
                    i = classEnd(regex, i);
                }
                case '(' -> {
                    if (++depth > MAX_DEPTH) {
                        throw new IllegalArgumentException("nests groups more than " + MAX_DEPTH + " deep");
                    }
                    totals[depth] = 0;
                    lasts[depth] = 0;
                    i++;
                    if (regex.startsWith("?", i)) {
                        // Flags or a name ((?i), (?i:, (?P<name>): nothing the program runs.
                        while (i < regex.length() && ":)>".indexOf(regex.charAt(i)) < 0) {
                            i++;
                        }
                        i = i < regex.length() && regex.charAt(i) != ')' ? i + 1 : i;
                    }
                }
                case ')' -> {
                    atom = depth > 0 ? totals[depth] + 2 : 1;
                    depth = Math.max(depth - 1, 0);
                    i++;
                }
                case '|' -> {
                    totals[depth]++;
                    lasts[depth] = 0;
                    i++;
                }
                case '*', '+', '?' -> {
                    totals[depth]++;
                    i += regex.startsWith("?", i + 1) ? 2 : 1;
                }
                case '{' -> {
                    var end = regex.indexOf('}', i);
                    var counts = end < 0 ? null : regex.substring(i + 1, end);
                    if (counts != null && counts.matches("[0-9]{1,7}(,[0-9]{0,7})?")) {
                        var comma = counts.indexOf(',');
                        var min = Long.parseLong(comma < 0 ? counts : counts.substring(0, comma));
                        var copies = comma < 0 ? min : comma == counts.length() - 1 ? min + 1 : Long.parseLong(counts.substring(comma + 1));
                        totals[depth] = Math.min(cap, totals[depth] + lasts[depth] * Math.max(copies - 1, 0) + copies);
                        i = end + (regex.startsWith("?", end + 1) ? 2 : 1);
                    } else {
                        atom = 1;
                        i++;
                    }
                }
                default -> {
                    atom = 1;
                    i++;
                }
            }
            if (atom >= 0) {
                totals[depth] = Math.min(cap, totals[depth] + atom);
                lasts[depth] = atom;
            }
        }
        var size = 2L;
        for (var d = 0; d <= depth; d++) {
            size = Math.min(cap, size + totals[d]);
        }
        return size;
    }

    /** The index after the escape at {@code i}: {@code \x{41}}, {@code \p{Greek}} and {@code \pL} are one escape. */
    private static int escapeEnd(String regex, int i) {
        if (i + 1 >= regex.length()) {
            return regex.length();
        }
        var kind = regex.charAt(i + 1);
        if ((kind == 'x' || kind == 'p' || kind == 'P') && regex.startsWith("{", i + 2)) {
            var end = regex.indexOf('}', i + 2);
            return end < 0 ? regex.length() : end + 1;
        }
        return (kind == 'p' || kind == 'P') && i + 2 < regex.length() ? i + 3 : i + 2;
    }

    /** The index after the character class opening at {@code i} ({@code ]} first is a member; {@code [:digit:]} inside). */
    private static int classEnd(String regex, int i) {
        var j = i + 1;
        j += regex.startsWith("^", j) ? 1 : 0;
        j += regex.startsWith("]", j) ? 1 : 0;
        while (j < regex.length()) {
            var c = regex.charAt(j);
            if (c == ']') {
                return j + 1;
            }
            if (c == '\\') {
                j = escapeEnd(regex, j);
            } else if (regex.startsWith("[:", j) && regex.indexOf(":]", j + 2) >= 0) {
                j = regex.indexOf(":]", j + 2) + 2;
            } else {
                j++;
            }
        }
        return j;
    }
}
