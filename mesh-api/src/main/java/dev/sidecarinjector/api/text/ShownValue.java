package dev.sidecarinjector.api.text;

/**
 * How an error message shows a value a user wrote: whole when short, else its first characters and its length,
 * so a megabyte annotation or flag cannot become a megabyte message, log line or Event. Both sides' error types
 * use it, so their messages read alike.
 */
public final class ShownValue {

    /** Values up to this many characters appear whole. */
    public static final int WHOLE = 64;
    private static final int HEAD = 40;

    private ShownValue() {
    }

    /** {@code value} between {@code quote}s when short; else its start, "...", the quote, and its length. */
    public static String of(String value, String quote) {
        if (value.length() <= WHOLE) {
            return quote + value + quote;
        }
        var end = Character.isHighSurrogate(value.charAt(HEAD - 1)) ? HEAD - 1 : HEAD;
        return quote + value.substring(0, end) + "..." + quote + " (" + value.length() + " characters)";
    }
}
