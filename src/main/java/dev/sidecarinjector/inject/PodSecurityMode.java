package dev.sidecarinjector.inject;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the injector does with a pod whose namespace's Pod Security level would reject an injected container:
 * {@code warn} injects and warns (the API server then refuses the pod, naming the violation), {@code skip} admits
 * the pod without injection and warns, {@code ignore} injects silently (for namespaces exempted in the cluster's
 * PodSecurity configuration, which the webhook cannot see).
 */
public enum PodSecurityMode {
    WARN,
    SKIP,
    IGNORE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code warn}, {@code skip} or {@code ignore}; the error names the field and value. */
    public static PodSecurityMode parse(String field, String value) {
        for (var mode : values()) {
            if (mode.label().equalsIgnoreCase(value.strip())) {
                return mode;
            }
        }
        throw new InvalidValueException(field, value, "is not one of " + Arrays.stream(values()).map(PodSecurityMode::label).collect(Collectors.joining(", ")));
    }
}
