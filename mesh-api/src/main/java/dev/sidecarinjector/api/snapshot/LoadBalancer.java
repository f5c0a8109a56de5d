package dev.sidecarinjector.api.snapshot;

/**
 * DestinationRule {@code loadBalancer}: {@code simple} (Istio's default is {@link #LEAST_REQUEST}) or a
 * {@code consistentHash} table ({@link #RING_HASH}, {@link #MAGLEV}), whose key the cluster's {@link ConsistentHash} names.
 */
public enum LoadBalancer {
    LEAST_REQUEST,
    ROUND_ROBIN,
    RANDOM,
    /** To the connection's original destination, as Envoy's ORIGINAL_DST cluster. */
    PASSTHROUGH,
    /** Ketama-style ring: each endpoint at many points of a 64-bit ring, a request at the first point after its hash. */
    RING_HASH,
    /** Google's Maglev lookup table: a prime-sized table filled from each endpoint's own permutation. */
    MAGLEV;

    /** Whether the cluster picks by a hash of the request ({@code consistentHash}). */
    public boolean hashed() {
        return this == RING_HASH || this == MAGLEV;
    }
}
