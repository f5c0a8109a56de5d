package dev.sidecarinjector.inject;

import java.util.Optional;

/**
 * One file vault-agent renders into {@code /vault/secrets}: {@code name} from the annotation
 * {@code agent-inject-secret-<name>} (or {@code agent-inject-template-<name>}), lower-cased as vault-k8s does;
 * the Vault {@code path} it reads; the Consul Template that renders it, vault-k8s's default when the pod gives none.
 */
record VaultSecret(String name, Optional<String> path, Optional<String> template) {

    /** The file's contents when the pod gives no template: each key of the secret's data on a line, as vault-k8s's "map" default. */
    String contents() {
        return template.orElseGet(() -> "{{ with secret \"" + path.orElseThrow() + "\" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}");
    }
}
