package dev.sidecarinjector.api.snapshot;

/** DestinationRule {@code loadBalancer.simple}; Istio's default is {@link #LEAST_REQUEST}. */
public enum LoadBalancer {
    LEAST_REQUEST,
    ROUND_ROBIN,
    RANDOM,
    /** To the connection's original destination, as Envoy's ORIGINAL_DST cluster. */
    PASSTHROUGH
}
