package dev.sidecarinjector.inject;

import java.util.Optional;

/**
 * The injected proxy's link to the control plane. With no address the proxy is the plain L4 relay: no mesh
 * flag, no root certificate and no token volume is injected.
 */
public record MeshSettings(Optional<ControlPlaneAddress> controlPlane) {

    /** Where the proxy reads the root certificate that signs the control plane's, as Istio mounts it. */
    public static final String ROOT_CERT_DIR = "/var/run/secrets/istio";
    public static final String ROOT_CERT_FILE = ROOT_CERT_DIR + "/root-cert.pem";
    /** Istio's ConfigMap of the mesh's root certificate, published by the control plane in every namespace (mesh.rootcert). */
    public static final String ROOT_CERT_CONFIG_MAP = "istio-ca-root-cert";
    public static final String ROOT_CERT_KEY = "root-cert.pem";
    public static final String ROOT_CERT_VOLUME = "istiod-ca-cert";
    /** The projected ServiceAccount token the proxy presents to the CA, as Istio mounts it. */
    public static final String TOKEN_DIR = "/var/run/secrets/tokens";
    public static final String TOKEN_PATH = "istio-token";
    public static final String TOKEN_FILE = TOKEN_DIR + "/" + TOKEN_PATH;
    public static final String TOKEN_VOLUME = "istio-token";
    public static final String TOKEN_AUDIENCE = "istio-ca";
    /** Istio's token lifetime; the kubelet rotates the file at 80 % of it. */
    public static final long TOKEN_EXPIRATION_SECONDS = 43200;

    public static final MeshSettings NONE = new MeshSettings(Optional.empty());

    public boolean enabled() {
        return controlPlane.isPresent();
    }
}
