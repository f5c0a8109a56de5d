package dev.sidecarinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The vault-agent template's defaults, as vault-k8s's injector flags set them. Pods override them with vault-k8s's annotations. */
@ConfigMapping(prefix = "injector.vault")
public interface VaultAgentConfig {

    /** Vault's address; per pod: vault.hashicorp.com/service. The Vault Helm chart's Service in namespace vault, without TLS, by default. */
    @WithDefault("http://vault.vault.svc:8200")
    String address();

    /** Vault Agent image (vault-k8s's default); per pod: vault.hashicorp.com/agent-image. */
    @WithDefault("hashicorp/vault:2.0.4")
    String image();

    /** Mount path of Vault's kubernetes auth method; per pod: vault.hashicorp.com/auth-path. */
    @WithDefault("auth/kubernetes")
    String authPath();

    /** CPU request (vault-k8s's default); per pod: vault.hashicorp.com/agent-requests-cpu. */
    @WithDefault("250m")
    Optional<String> cpuRequest();

    /** Memory request; per pod: vault.hashicorp.com/agent-requests-mem. */
    @WithDefault("64Mi")
    Optional<String> memoryRequest();

    /** CPU limit; per pod: vault.hashicorp.com/agent-limits-cpu. */
    @WithDefault("500m")
    Optional<String> cpuLimit();

    /** Memory limit; per pod: vault.hashicorp.com/agent-limits-mem. */
    @WithDefault("128Mi")
    Optional<String> memoryLimit();
}
