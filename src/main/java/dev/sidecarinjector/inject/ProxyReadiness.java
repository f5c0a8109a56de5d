package dev.sidecarinjector.inject;

import java.util.Map;

/**
 * The timing of the proxy container's readiness probe: Istio's {@code readiness.status.sidecar.istio.io/*}
 * annotations over this injector's defaults (no initial delay, every 5 s, 3 failures). Each is a whole number that a
 * probe's 32-bit field holds; Istio refuses a value that is not an unsigned integer, and so does this injector,
 * naming it. A 0 period or threshold is Kubernetes' default for that field (10 s, 3).
 */
public record ProxyReadiness(int initialDelaySeconds, int periodSeconds, int failureThreshold) {

    public static final ProxyReadiness DEFAULT = new ProxyReadiness(0, 5, 3);

    /** The pod's annotations over {@link #DEFAULT}; an invalid value throws {@link InvalidValueException} naming it. */
    static ProxyReadiness of(Map<String, String> annotations) {
        if (!annotations.containsKey(Annotations.READINESS_INITIAL_DELAY) && !annotations.containsKey(Annotations.READINESS_PERIOD)
                && !annotations.containsKey(Annotations.READINESS_FAILURE_THRESHOLD)) {
            return DEFAULT;
        }
        return new ProxyReadiness(
                number(annotations, Annotations.READINESS_INITIAL_DELAY, DEFAULT.initialDelaySeconds, "seconds"),
                number(annotations, Annotations.READINESS_PERIOD, DEFAULT.periodSeconds, "seconds"),
                number(annotations, Annotations.READINESS_FAILURE_THRESHOLD, DEFAULT.failureThreshold, "failures"));
    }

    private static int number(Map<String, String> annotations, String name, int fallback, String unit) {
        return PodOverrides.read(annotations, name, value -> {
            var number = PodOverrides.unsigned(value, Integer.MAX_VALUE);
            if (number < 0) {
                throw new InvalidValueException(name, value, "is not a whole number of " + unit + " (0 to " + Integer.MAX_VALUE
                        + ", as a probe's field holds it)");
            }
            return (int) number;
        }).orElse(fallback);
    }
}
