package dev.sidecarinjector.api.snapshot;

/**
 * What an inbound port accepts, from PeerAuthentication (Istio's modes, {@code UNSET} already resolved by the control
 * plane): only mutual TLS from certificates of the mesh's CA, either that or plaintext (told apart by the first
 * bytes), or plaintext only.
 */
public enum MtlsMode {
    STRICT,
    PERMISSIVE,
    DISABLE
}
