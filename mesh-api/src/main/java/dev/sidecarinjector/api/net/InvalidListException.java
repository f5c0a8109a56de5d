package dev.sidecarinjector.api.net;

import dev.sidecarinjector.api.text.ShownValue;

/**
 * A port, port list or CIDR list that cannot be used. The message names the field (annotation, property or flag)
 * and the value, then the problem; each side turns it into its own error type in one place. A long value is
 * shortened in the message (its start and its length) so a megabyte annotation cannot become a megabyte message.
 */
public final class InvalidListException extends IllegalArgumentException {

    private final String field;
    private final String value;
    private final String problem;

    public InvalidListException(String field, String value, String problem) {
        super(field + ": " + ShownValue.of(value, "\"") + " " + problem, null);
        this.field = field;
        this.value = value;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    /** The value as given, whole. */
    public String value() {
        return value;
    }

    /** What is wrong, as the message says it after the value: {@code holds 70000, which is not a port (1-65535)}. */
    public String problem() {
        return problem;
    }
}
