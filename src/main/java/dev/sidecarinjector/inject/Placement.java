package dev.sidecarinjector.inject;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where the proxy runs in the pod: a regular container, or a native sidecar (init container with restartPolicy Always). */
public enum Placement {
    CONTAINER,
    NATIVE;

    /** The lower-case name used in configuration and in the status annotation. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code container} or {@code native}; the error names the field and value. */
    public static Placement parse(String field, String value) {
        for (var placement : values()) {
            if (placement.label().equalsIgnoreCase(value.strip())) {
                return placement;
            }
        }
        throw new InvalidValueException(field, value, "is not a placement (expected one of "
                + Arrays.stream(values()).map(Placement::label).collect(Collectors.joining(", ")) + ")");
    }
}
