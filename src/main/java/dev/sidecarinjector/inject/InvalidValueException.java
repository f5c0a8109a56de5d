package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.text.ShownValue;

/**
 * A user-supplied value (annotation, label, flag, configuration property) that cannot be used.
 * The message always names the field and the value, so the person who wrote it can find it; a long value is
 * shortened in the message (its start and its length), so a megabyte annotation cannot become a megabyte
 * denial, log line or Event. {@link #value()} keeps it whole.
 */
public final class InvalidValueException extends RuntimeException {
    /** Values up to this many characters appear whole in the message. */
    static final int SHOWN = ShownValue.WHOLE;

    private final String field;
    private final String value;

    public InvalidValueException(String field, String value, String problem) {
        this(field, value, ShownValue.of(value, "\""), problem);
    }

    /** For a value already written in its own notation ({@code [1]}, {@code "maybe"}, {@code 2}), shown unquoted. */
    static InvalidValueException written(String field, String written, String problem) {
        return new InvalidValueException(field, written, ShownValue.of(written, ""), problem);
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
}
