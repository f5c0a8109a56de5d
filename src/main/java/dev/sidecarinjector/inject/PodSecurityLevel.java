package dev.sidecarinjector.inject;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A namespace's Pod Security Admission level, from its {@code pod-security.kubernetes.io/enforce} label. As the
 * admission plugin reads it: no label is the cluster's default (privileged unless configured otherwise, which the
 * webhook cannot see), and a value that is not a level is evaluated as {@code restricted}.
 */
public enum PodSecurityLevel {
    PRIVILEGED,
    BASELINE,
    RESTRICTED;

    public static final String ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

    /** The level the namespace enforces, or empty when it has no label. */
    public static Optional<PodSecurityLevel> enforcedBy(Map<String, String> namespaceLabels) {
        var value = namespaceLabels.get(ENFORCE_LABEL);
        if (value == null) {
            return Optional.empty();
        }
        return switch (value) {
            case "privileged" -> Optional.of(PRIVILEGED);
            case "baseline" -> Optional.of(BASELINE);
            default -> Optional.of(RESTRICTED);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
