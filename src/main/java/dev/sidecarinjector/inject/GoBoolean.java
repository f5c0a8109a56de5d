package dev.sidecarinjector.inject;

import java.util.Optional;

/** A boolean as Go's {@code strconv.ParseBool} reads it, for annotations whose owners (vault-k8s, some of Istio's) read them so. */
final class GoBoolean {

    private static final Optional<Boolean> TRUE = Optional.of(true);
    private static final Optional<Boolean> FALSE = Optional.of(false);

    private GoBoolean() {
    }

    /** Empty for anything Go refuses; the caller says which annotation and why. */
    static Optional<Boolean> parse(String value) {
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> TRUE;
            case "0", "f", "F", "FALSE", "false", "False" -> FALSE;
            default -> Optional.empty();
        };
    }
}
