package dev.sidecarinjector.api.snapshot;

/**
 * How the proxy connects to a cluster's endpoints, from the DestinationRule's {@code trafficPolicy.tls.mode}:
 * {@code AUTO} (none set: Istio's auto mTLS, mutual TLS to an endpoint whose pod has a sidecar, {@code tlsMode:
 * istio}, plaintext to the others), {@code ISTIO_MUTUAL} (mutual TLS with the mesh certificate to every endpoint) or
 * {@code DISABLE} (plaintext).
 */
public enum ClusterTls {
    AUTO,
    ISTIO_MUTUAL,
    DISABLE
}
