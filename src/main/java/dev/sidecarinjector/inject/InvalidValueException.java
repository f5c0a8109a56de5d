package dev.sidecarinjector.inject;

/**
 * A user-supplied value (annotation, label, flag, configuration property) that cannot be used.
 * The message always names the field and the value, so the person who wrote it can find it.
 */
public final class InvalidValueException extends RuntimeException {
    private final String field;
    private final String value;

    public InvalidValueException(String field, String value, String problem) {
        super(field + ": \"" + value + "\" " + problem);
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
