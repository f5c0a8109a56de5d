package dev.sidecarinjector.inject;

/**
 * A user-supplied value (annotation, label, flag, configuration property) that cannot be used.
 * The message always names the field and the value, so the person who wrote it can find it; a long value is
 * shortened in the message (its start and its length), so a megabyte annotation cannot become a megabyte
 * denial, log line or Event. {@link #value()} keeps it whole.
 */
public final class InvalidValueException extends RuntimeException {
    /** Values up to this many characters appear whole in the message. */
    static final int SHOWN = 64;
    private static final int HEAD = 40;

    private final String field;
    private final String value;

    public InvalidValueException(String field, String value, String problem) {
        this(field, value, quoted(value), problem);
    }

    /** For a value already written in its own notation ({@code [1]}, {@code "maybe"}, {@code 2}), shown unquoted. */
    static InvalidValueException written(String field, String written, String problem) {
        return new InvalidValueException(field, written, shortened(written, ""), problem);
    }

    private InvalidValueException(String field, String value, String shown, String problem) {
        super(field + ": " + shown + " " + problem);
        this.field = field;
        this.value = value;
    }

    public String field() {
        return field;
    }

    public String value() {
        return value;
    }

    private static String quoted(String value) {
        return shortened(value, "\"");
    }

    /** The value between quotes when short; else its first characters, "...", the quote, and its length. */
    private static String shortened(String value, String quote) {
        if (value.length() <= SHOWN) {
            return quote + value + quote;
        }
        var end = Character.isHighSurrogate(value.charAt(HEAD - 1)) ? HEAD - 1 : HEAD;
        return quote + value.substring(0, end) + "..." + quote + " (" + value.length() + " characters)";
    }
}
