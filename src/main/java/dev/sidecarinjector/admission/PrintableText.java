package dev.sidecarinjector.admission;

/**
 * User values made safe to print: the one place every log line and Event of the webhook that carries a value
 * from a request goes through. Each control character (C0, DEL, C1, and the line and paragraph separators
 * U+2028 and U+2029) is written as an escape, the way Kubernetes quotes values ({@code %q}): {@code \r},
 * {@code \n}, {@code \t}, {@code \x1b}, {@code \u0085}. A value can then neither start a forged log line nor
 * move the cursor or recolour the terminal of whoever reads the log.
 */
public final class PrintableText {

    /** Causes followed when a trace is escaped; a longer (or circular) chain is cut there. */
    private static final int MAX_CAUSES = 16;

    private PrintableText() {
    }

    /** {@code text} with every control character escaped; everything else, backslashes included, as it was. */
    public static String escape(String text) {
        if (text == null || !hasControl(text)) {
            return text;
        }
        var out = new StringBuilder(text.length() + 16);
        for (var i = 0; i < text.length(); i++) {
            appendEscaped(out, text.charAt(i));
        }
        return out.toString();
    }

    /**
     * A logfmt value: bare when it is plain ASCII without spaces, quotes, {@code =} or backslashes; otherwise
     * in double quotes with {@code "} and {@code \} escaped as well as every control character, so the value
     * reads back unambiguously.
     */
    public static String quote(String value) {
        if (value == null || value.isEmpty()) {
            return "\"\"";
        }
        if (isBare(value)) {
            return value;
        }
        var out = new StringBuilder(value.length() + 16).append('"');
        for (var i = 0; i < value.length(); i++) {
            var c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                appendEscaped(out, c);
            }
        }
        return out.append('"').toString();
    }

    /**
     * The same throwable for a log line, every message in its cause chain escaped: an exception message may
     * quote the request. The stack frames are kept, so the defect behind it can still be found.
     */
    public static Throwable trace(Throwable error) {
        return trace(error, 0);
    }

    private static Throwable trace(Throwable error, int depth) {
        if (error == null || depth >= MAX_CAUSES) {
            return null;
        }
        var cause = error.getCause() == error ? null : trace(error.getCause(), depth + 1);
        return new EscapedThrowable(error, cause);
    }

    /** Loops rather than streams: every decision's log line quotes five values, on the event loop. */
    private static boolean hasControl(String text) {
        for (var i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBare(String value) {
        for (var i = 0; i < value.length(); i++) {
            var c = value.charAt(i);
            if (c <= ' ' || c >= 127 || c == '"' || c == '=' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }

    private static void appendEscaped(StringBuilder out, char c) {
        if (!isControl(c)) {
            out.append(c);
            return;
        }
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> out.append(c < 0x80 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
        }
    }

    /** A throwable printed as the original's class and escaped message, with the original's stack frames. */
    private static final class EscapedThrowable extends RuntimeException {

        EscapedThrowable(Throwable original, Throwable cause) {
            super(escape(original.toString()), cause, false, true);
            setStackTrace(original.getStackTrace());
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
