package dev.sidecarinjector.ca;

import dev.sidecarinjector.config.StrictBoolean;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The mesh's CA in the control plane (istiod's Citadel): where its root comes from, what it issues, how it checks tokens. */
@ConfigMapping(prefix = "injector.ca")
public interface CaConfig {

    /**
     * Run the CA: it keeps a root, serves {@code POST /v1/certificate} on the control plane's port, certifies that port
     * itself, and its root is what proxies trust (istio-ca-root-cert). Off: the port uses the webhook's serving
     * certificate and {@code injector.mesh.root-cert-file} is published, as before the CA.
     */
    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean enabled();

    /** The SPIFFE trust domain of issued identities ({@code spiffe://TRUST_DOMAIN/ns/NS/sa/SA}) and the root's O=. */
    @WithDefault("cluster.local")
    String trustDomain();

    /** Lifetime of a workload certificate when the request names none (Istio's DEFAULT_WORKLOAD_CERT_TTL). */
    @WithDefault("24h")
    Duration workloadCertTtl();

    /** Longest lifetime a request may ask for; more is refused with 400 (Istio's MAX_WORKLOAD_CERT_TTL). */
    @WithDefault("90d")
    Duration maxWorkloadCertTtl();

    /** Lifetime of a self-signed root made by the CA (Istio's CITADEL_SELF_SIGNED_CA_CERT_TTL). */
    @WithDefault("3650d")
    Duration selfSignedRootTtl();

    /**
     * With the directory mesh source: Istio's plug-in layout ({@code ca-cert.pem}, {@code ca-key.pem}, {@code root-cert.pem},
     * optional {@code cert-chain.pem}); used when any of these files is there. In a cluster the Secret {@code cacerts} plays this part.
     */
    @WithDefault("/etc/cacerts")
    String pluginDirectory();

    /**
     * With the directory mesh source and no plug-in files: where the self-signed root is made once and kept
     * ({@code ca-cert.pem}, {@code ca-key.pem}, and {@code root-cert.pem}: the file proxies run by hand verify the control
     * plane with). Relative to the working directory; {@code make run} uses target/mesh-ca.
     */
    @WithDefault("target/mesh-ca")
    String directory();

    /** With the kubernetes mesh source: the namespace of the Secrets {@code cacerts} and {@code istio-ca-secret}; empty: the pod's own. */
    Optional<String> secretNamespace();

    /**
     * Names in the control plane's own certificate on port 15012 (DNS names or IP addresses), besides the host of
     * {@code injector.mesh.control-plane-address}, which is always added. The chart adds its Service's names.
     */
    @WithDefault("localhost,127.0.0.1")
    List<String> serverNames();

    /** Lifetime of the control plane's own certificate; it is renewed after two thirds of it. */
    @WithDefault("24h")
    Duration serverCertTtl();

    /** Checking tokens against a JWKS file instead of the API server (Istio's JWT_RULE idea), for a control plane with no cluster. */
    Jwt jwt();

    interface Jwt {

        /** The {@code iss} tokens must carry; required with {@link #jwksFile()}. */
        Optional<String> issuer();

        /** A JWKS (JSON Web Key Set) file whose public keys sign the tokens; set, tokens are checked here and not by TokenReview. */
        Optional<String> jwksFile();

        /** The audience tokens must be issued for, with either check (the injector's projected token: istio-ca). */
        @WithDefault("istio-ca")
        String audience();

        /** How far past {@code exp} (or before {@code nbf}) a token is still taken, for clocks that disagree a little. */
        @WithDefault("60s")
        Duration clockSkew();
    }
}
