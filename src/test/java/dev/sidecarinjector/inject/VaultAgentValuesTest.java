package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** vault-k8s's annotations read into the agent's values and configuration, and how a bad one is refused. */
class VaultAgentValuesTest {

    private static final TemplateSettings.VaultAgent DEFAULTS = TestSettings.defaults().templates().vault();

    private static VaultAgentValues read(Map<String, String> annotations) {
        return VaultAgentValues.read(annotations, DEFAULTS);
    }

    @Test
    void secretsAndTemplatesAreFoundByNameAndLowerCasedAsVaultK8sDoes() {
        var values = read(Map.of(
                VaultAnnotations.ROLE, "app",
                VaultAnnotations.SECRET_PREFIX + "DB-Creds", "database/creds/app",
                VaultAnnotations.SECRET_PREFIX + "api", "secret/data/api",
                VaultAnnotations.TEMPLATE_PREFIX + "api", "{{ with secret \"secret/data/api\" }}{{ .Data.data.key }}{{ end }}",
                VaultAnnotations.TEMPLATE_PREFIX + "only-template", "static",
                VaultAnnotations.SECRET_PREFIX, "secret/data/no-name",
                VaultAnnotations.SECRET_PREFIX + "templated", " ",
                VaultAnnotations.TEMPLATE_PREFIX + "templated", "static"));
        // As vault-k8s: a template without its secret and a secret without a name are ignored; a template needs no path.
        assertEquals(List.of("api", "db-creds", "templated"), values.secrets().stream().map(VaultSecret::name).toList());
        assertEquals(Optional.of("database/creds/app"), values.secrets().get(1).path());
        assertTrue(values.secrets().get(1).contents().startsWith("{{ with secret \"database/creds/app\" }}"));
        assertEquals("{{ with secret \"secret/data/api\" }}{{ .Data.data.key }}{{ end }}", values.secrets().getFirst().contents());
    }

    @Test
    void theInitContainersConfigurationExitsAfterAuthAndTheSidecarsDoesNot() {
        var values = read(Map.of(VaultAnnotations.ROLE, "app", VaultAnnotations.SECRET_PREFIX + "db", "database/creds/app",
                VaultAnnotations.SERVICE, "https://vault.example.com:8200", VaultAnnotations.AUTH_PATH, "/auth/k8s-prod/"));
        var init = VaultAgentConfigJson.of(values, true);
        assertTrue(init.path("exit_after_auth").booleanValue());
        assertFalse(VaultAgentConfigJson.of(values, false).path("exit_after_auth").booleanValue());
        assertEquals("kubernetes", init.at("/auto_auth/method/type").asText());
        assertEquals("auth/k8s-prod", init.at("/auto_auth/method/mount_path").asText());
        assertEquals("app", init.at("/auto_auth/method/config/role").asText());
        assertEquals("/var/run/secrets/vault.hashicorp.com/serviceaccount/token", init.at("/auto_auth/method/config/token_path").asText());
        assertEquals("https://vault.example.com:8200", init.at("/vault/address").asText());
        assertEquals("/vault/secrets/db", init.at("/template/0/destination").asText());
    }

    @Test
    void aSecretWithoutARoleIsRefusedNamingTheSecretsAnnotation() {
        var error = assertThrows(InvalidValueException.class, () -> read(Map.of(VaultAnnotations.SECRET_PREFIX + "db", "database/creds/app")));
        assertEquals("vault.hashicorp.com/agent-inject-secret-db: \"database/creds/app\" needs vault.hashicorp.com/role, the Vault role vault-agent"
                + " logs in with (kubernetes auth, the pod's service account)", error.getMessage());
        var noSecret = assertThrows(InvalidValueException.class, () -> read(Map.of(VaultAnnotations.INJECT, "true")));
        assertTrue(noSecret.getMessage().startsWith("vault.hashicorp.com/agent-inject: \"true\" needs vault.hashicorp.com/role"), noSecret.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheAnnotation() {
        assertRefused(Map.of(VaultAnnotations.SERVICE, "vault:8200"), "vault.hashicorp.com/service: \"vault:8200\" is not Vault's address");
        assertRefused(Map.of(VaultAnnotations.AUTH_PATH, "auth kubernetes"), "vault.hashicorp.com/auth-path: \"auth kubernetes\" is not a Vault auth mount path");
        assertRefused(Map.of(VaultAnnotations.INIT_FIRST, "yes"), "vault.hashicorp.com/agent-init-first: \"yes\" is not a boolean");
        assertRefused(Map.of(VaultAnnotations.SECRET_PREFIX + "db", "db\" }}{{ evil"), "vault.hashicorp.com/agent-inject-secret-db: \"db\" }}{{ evil\" is not a Vault path");
        assertRefused(Map.of(VaultAnnotations.IMAGE, "Vault Latest"), "vault.hashicorp.com/agent-image: \"Vault Latest\" is not a container image reference");
        assertRefused(Map.of(VaultAnnotations.REQUESTS_MEM, "1Gi"), "vault.hashicorp.com/agent-requests-mem: \"1Gi\" is above the memory limit");
        assertRefused(Map.of(VaultAnnotations.PRE_POPULATE, "false", VaultAnnotations.PRE_POPULATE_ONLY, "true"),
                "vault.hashicorp.com/agent-pre-populate-only: \"true\" asks for the init container only, which vault.hashicorp.com/agent-pre-populate: \"false\" turns off");
        assertRefused(Map.of(VaultAnnotations.SECRET_PREFIX + "db", ""), "vault.hashicorp.com/agent-inject-secret-db: \"\" is not a Vault path: empty");
        assertRefused(Map.of(VaultAnnotations.SECRET_PREFIX + "db", " "), "vault.hashicorp.com/agent-inject-secret-db: \" \" is not a Vault path: empty");
        assertRefused(Map.of(VaultAnnotations.SECRET_PREFIX + "DB", "a", VaultAnnotations.SECRET_PREFIX + "db", "b"),
                "writes /vault/secrets/db, as the annotations for \"DB\" do");
    }

    /** As in vault-k8s (parseResources skips ""), an annotation present but empty is no request or limit, not the default. */
    @Test
    void anEmptyResourceAnnotationIsNoValueAsInVaultK8s() {
        var values = read(Map.of(VaultAnnotations.ROLE, "app", VaultAnnotations.LIMITS_CPU, "", VaultAnnotations.LIMITS_MEM, "",
                VaultAnnotations.REQUESTS_CPU, "", VaultAnnotations.REQUESTS_MEM, "1Gi"));
        assertEquals(Optional.empty(), values.resources().cpuLimit());
        assertEquals(Optional.empty(), values.resources().memoryLimit());
        assertEquals(Optional.empty(), values.resources().cpuRequest());
        assertEquals("1Gi", values.resources().memoryRequest().orElseThrow().text());
        assertEquals("64Mi", read(Map.of(VaultAnnotations.ROLE, "app")).resources().memoryRequest().orElseThrow().text(), "absent: the default");
        var blank = assertThrows(InvalidValueException.class, () -> read(Map.of(VaultAnnotations.ROLE, "app", VaultAnnotations.LIMITS_CPU, " ")));
        assertEquals("vault.hashicorp.com/agent-limits-cpu: \" \" is not a resource quantity (examples: 100m, 0.5, 64Mi, 1Gi)", blank.getMessage());
    }

    /** A limit the pod did not set is named by the setting it came from, not by an annotation the pod does not have. */
    @Test
    void aRequestAboveTheConfiguredLimitNamesTheSetting() {
        var error = assertThrows(InvalidValueException.class, () -> read(Map.of(VaultAnnotations.ROLE, "app", VaultAnnotations.REQUESTS_MEM, "1Gi")));
        assertEquals("vault.hashicorp.com/agent-requests-mem: \"1Gi\" is above the memory limit \"128Mi\" (injector.vault.memory-limit)", error.getMessage());
        var both = assertThrows(InvalidValueException.class, () -> read(Map.of(VaultAnnotations.ROLE, "app", VaultAnnotations.REQUESTS_CPU, "1",
                VaultAnnotations.LIMITS_CPU, "500m")));
        assertEquals("vault.hashicorp.com/agent-requests-cpu: \"1\" is above the cpu limit \"500m\" (vault.hashicorp.com/agent-limits-cpu)", both.getMessage());
        var limit = assertThrows(InvalidValueException.class, () -> read(Map.of(VaultAnnotations.ROLE, "app", VaultAnnotations.LIMITS_MEM, "32Mi")));
        assertEquals("vault.hashicorp.com/agent-limits-mem: \"32Mi\" is below the memory request \"64Mi\" (injector.vault.memory-request)", limit.getMessage());
    }

    private static void assertRefused(Map<String, String> annotations, String message) {
        var withRole = new java.util.HashMap<>(annotations);
        withRole.put(VaultAnnotations.ROLE, "app");
        var error = assertThrows(InvalidValueException.class, () -> read(withRole));
        assertTrue(error.getMessage().contains(message), error.getMessage());
    }
}
