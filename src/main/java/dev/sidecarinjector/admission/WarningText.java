package dev.sidecarinjector.admission;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Warnings made fit for the API server, which hands each to the client as an HTTP {@code Warning} header: one that
 * holds a control character or is not valid UTF-8 is dropped there, and past 4096 characters for the whole
 * response (every admission plugin's warnings together) it cuts each warning to 256 characters and then drops the
 * rest (k8s.io/apiserver's warning recorder). So every control character is escaped ({@link PrintableText}), an
 * unpaired surrogate becomes U+FFFD, a warning is at most {@link #MAX_CHARACTERS} characters, and the injector's
 * warnings take at most {@link #BUDGET} of the 4096, leaving the rest to the others (PodSecurity's own warnings
 * among them); what does not fit is counted in a last warning, and the log has it all.
 */
public final class WarningText {

    /** The API server's own cut, once warnings exceed its total. */
    static final int MAX_CHARACTERS = 256;
    /** Half of the API server's 4096 per response. */
    static final int BUDGET = 2048;
    private static final String CUT = "...";

    private WarningText() {
    }

    /** The warnings as the review carries them: escaped, each bounded, duplicates once, the total within the budget. */
    public static List<String> bounded(List<String> warnings) {
        var fitted = new LinkedHashSet<String>();
        warnings.forEach(warning -> fitted.add(one(warning)));
        var result = new ArrayList<String>();
        var used = 0;
        var left = fitted.size();
        for (var warning : fitted) {
            var length = warning.codePointCount(0, warning.length());
            // Room is kept for the line that counts what is left out.
            if (used + length > BUDGET - (left > 1 ? MAX_CHARACTERS : 0)) {
                result.add(left + " more warnings about this pod are in the sidecar-injector's log");
                break;
            }
            result.add(warning);
            used += length;
            left--;
        }
        return result;
    }

    /** One warning: control characters escaped, unpaired surrogates replaced, at most {@link #MAX_CHARACTERS} code points. */
    static String one(String warning) {
        var escaped = PrintableText.escape(warning);
        var length = escaped.codePointCount(0, escaped.length());
        var kept = length <= MAX_CHARACTERS ? length : MAX_CHARACTERS - CUT.length();
        var out = new StringBuilder(kept + CUT.length());
        // An unpaired surrogate reads as a code point of its own; Java strings pair the others.
        escaped.codePoints().limit(kept).forEach(codePoint -> out.appendCodePoint(codePoint <= 0xffff && Character.isSurrogate((char) codePoint) ? 0xfffd : codePoint));
        return kept < length ? out.append(CUT).toString() : out.toString();
    }
}
