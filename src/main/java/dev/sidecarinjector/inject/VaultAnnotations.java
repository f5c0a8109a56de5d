package dev.sidecarinjector.inject;

import java.util.Map;
import java.util.Optional;

/**
 * vault-k8s's annotation names, read by the vault-agent template so that manifests written for the Vault Agent
 * Injector work unchanged, and its way of reading a boolean (Go's {@code strconv.ParseBool}).
 */
public final class VaultAnnotations {

    public static final String PREFIX = "vault.hashicorp.com/";
    /** {@code "true"} applies vault-agent without {@code inject.istio.io/templates}; {@code "false"} keeps it off. */
    public static final String INJECT = PREFIX + "agent-inject";
    /** Set to {@code injected} on the pods vault-agent went into, as vault-k8s does, so neither injector adds it twice. */
    public static final String STATUS = PREFIX + "agent-inject-status";
    public static final String ROLE = PREFIX + "role";
    /** {@code agent-inject-secret-<name>: <Vault path>}: the secret rendered to {@code /vault/secrets/<name>}. */
    public static final String SECRET_PREFIX = PREFIX + "agent-inject-secret-";
    /** {@code agent-inject-template-<name>}: the Consul Template that renders that file. */
    public static final String TEMPLATE_PREFIX = PREFIX + "agent-inject-template-";
    public static final String PRE_POPULATE = PREFIX + "agent-pre-populate";
    public static final String PRE_POPULATE_ONLY = PREFIX + "agent-pre-populate-only";
    public static final String INIT_FIRST = PREFIX + "agent-init-first";
    public static final String IMAGE = PREFIX + "agent-image";
    public static final String SERVICE = PREFIX + "service";
    public static final String AUTH_PATH = PREFIX + "auth-path";
    public static final String REQUESTS_CPU = PREFIX + "agent-requests-cpu";
    public static final String REQUESTS_MEM = PREFIX + "agent-requests-mem";
    public static final String LIMITS_CPU = PREFIX + "agent-limits-cpu";
    public static final String LIMITS_MEM = PREFIX + "agent-limits-mem";

    private VaultAnnotations() {
    }

    /** The pod's {@code agent-inject}, if it has one. */
    public static Optional<Boolean> inject(Map<String, String> annotations) {
        return flag(annotations, INJECT);
    }

    /** True when the pod already carries vault-k8s's status {@code injected}. */
    public static boolean alreadyInjected(Map<String, String> annotations) {
        return "injected".equals(annotations.get(STATUS));
    }

    /** A boolean annotation as vault-k8s reads it: Go's {@code strconv.ParseBool}, so what it accepts is accepted here. */
    static Optional<Boolean> flag(Map<String, String> annotations, String name) {
        var value = annotations.get(name);
        if (value == null) {
            return Optional.empty();
        }
        var flag = GoBoolean.parse(value);
        if (flag.isEmpty()) {
            throw new InvalidValueException(name, value, "is not a boolean (expected \"true\" or \"false\", as vault-k8s reads it)");
        }
        return flag;
    }
}
