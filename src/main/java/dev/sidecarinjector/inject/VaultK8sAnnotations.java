package dev.sidecarinjector.inject;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * vault-k8s's pod annotations, as its {@code agent-inject/agent/annotations.go} defines them: the single names, and
 * the per-name prefixes ({@code agent-inject-secret-<name>} and the others written for one secret or one setting),
 * whether this injector reads them or not ({@link VaultAnnotations} has those it reads).
 */
final class VaultK8sAnnotations {

    /** vault-k8s's annotations that are one name each. */
    static final Set<String> NAMES = prefixed(Stream.of(
            "agent-inject", "agent-inject-status", "agent-inject-containers", "agent-inject-default-template", "agent-inject-token",
            "agent-image", "agent-request-namespace", "agent-init-first", "agent-pre-populate", "agent-pre-populate-only",
            "agent-configmap", "agent-extra-secret",
            "agent-limits-cpu", "agent-limits-mem", "agent-limits-ephemeral", "agent-requests-cpu", "agent-requests-mem", "agent-requests-ephemeral",
            "agent-revoke-on-shutdown", "agent-revoke-grace", "namespace",
            "agent-run-as-user", "agent-run-as-group", "agent-run-as-same-user", "agent-share-process-namespace", "agent-set-security-context",
            "agent-service-account-token-volume-name", "service", "proxy-address",
            "tls-skip-verify", "tls-secret", "tls-server-name", "ca-cert", "ca-key", "client-cert", "client-key",
            "client-max-retries", "client-timeout", "go-max-procs", "log-level", "log-format",
            "role", "auth-type", "auth-path", "secret-volume-path", "preserve-secret-case",
            "agent-cache-enable", "agent-cache-use-auto-auth-token", "agent-cache-listener-port", "agent-cache-exit-on-err",
            "agent-copy-volume-mounts", "template-config-exit-on-retry-failure", "template-static-secret-render-interval",
            "template-max-connections-per-host", "template-lease-renewal-threshold", "agent-enable-quit",
            "auth-min-backoff", "auth-max-backoff", "agent-disable-idle-connections", "agent-disable-keep-alives",
            "agent-json-patch", "agent-init-json-patch", "agent-auto-auth-exit-on-err"));

    /**
     * vault-k8s's per-name prefixes: each is followed by a secret's name (as in {@code agent-inject-secret-<name>}),
     * or by a setting's name for {@code auth-config-} and {@code agent-telemetry-}.
     */
    static final Set<String> PER_NAME = prefixed(Stream.of(
            "agent-inject-secret-", "agent-inject-template-", "agent-inject-template-file-", "agent-inject-file-", "agent-inject-perms-",
            "agent-inject-command-", "agent-template-left-delim-", "agent-template-right-delim-", "error-on-missing-key-",
            "secret-volume-path-", "preserve-secret-case-", "auth-config-", "agent-telemetry-"));

    private VaultK8sAnnotations() {
    }

    private static Set<String> prefixed(Stream<String> names) {
        return names.map(name -> VaultAnnotations.PREFIX + name).collect(Collectors.toUnmodifiableSet());
    }
}
