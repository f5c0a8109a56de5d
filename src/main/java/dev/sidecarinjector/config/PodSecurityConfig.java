package dev.sidecarinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What to do where a namespace's Pod Security Admission level would reject an injected container. */
@ConfigMapping(prefix = "injector.pod-security")
public interface PodSecurityConfig {

    /**
     * When the namespace's {@code pod-security.kubernetes.io/enforce} level would reject an injected container (the
     * iptables init container's NET_ADMIN and NET_RAW under baseline or restricted): {@code warn} injects and warns,
     * and the API server then refuses the pod; {@code skip} admits the pod without injection, with a warning and the
     * skip reason {@code pod_security}; {@code ignore} injects without a word (namespaces exempted in the cluster's
     * PodSecurity configuration, which the webhook cannot see).
     */
    @WithDefault("warn")
    String mode();
}
