package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.InjectionWarning.Kind;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which vault-k8s annotations are warned about, when, and that a pod cannot make the check expensive. */
class VaultAnnotationCheckTest {

    private static final String V = VaultAnnotations.PREFIX;

    @Test
    void theMisspeltSecretAndTheAnnotationsNotReadAreNamed() {
        var annotations = Map.of(V + "agent-inject", "true", V + "role", "app", V + "agent-inject-secrets-foo", "secret/data/foo",
                V + "agent-inject-file-foo", "foo.txt", V + "agent-inject-containers", "app", V + "tls-skip-verify", "true");
        assertEquals(List.of(
                        notRead("vault.hashicorp.com/agent-inject-containers"),
                        notRead("vault.hashicorp.com/agent-inject-file-foo"),
                        new InjectionWarning(Kind.UNKNOWN_ANNOTATION,
                                "unknown annotation vault.hashicorp.com/agent-inject-secrets-foo: did you mean vault.hashicorp.com/agent-inject-secret-foo?"),
                        notRead("vault.hashicorp.com/tls-skip-verify")),
                VaultAnnotationCheck.warnings(annotations, true));
    }

    @Test
    void everyNameTheTemplateReadsIsVaultK8sAndGivesNoWarning() throws Exception {
        for (var field : VaultAnnotations.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class && !field.getName().equals("PREFIX")) {
                var name = (String) field.get(null);
                var written = name.endsWith("-") ? name + "db" : name;
                var annotations = new HashMap<>(Map.of(VaultAnnotations.SECRET_PREFIX + "db", "kv/db"));
                annotations.put(written, "x");
                assertEquals(List.of(), VaultAnnotationCheck.warnings(annotations, true), written);
                assertTrue(name.endsWith("-") ? VaultK8sAnnotations.PER_NAME.contains(name) : VaultK8sAnnotations.NAMES.contains(name), name);
            }
        }
    }

    @Test
    void everyOtherVaultK8sNameIsNotReadAndSaysSo() {
        for (var name : VaultK8sAnnotations.NAMES) {
            if (!VaultAnnotationCheck.READ.contains(name)) {
                assertEquals(List.of(notRead(name)), VaultAnnotationCheck.warnings(Map.of(name, "x"), true), name);
            }
        }
        for (var prefix : VaultK8sAnnotations.PER_NAME) {
            if (!VaultAnnotationCheck.READ.contains(prefix)) {
                assertEquals(List.of(notRead(prefix + "db")), VaultAnnotationCheck.warnings(Map.of(prefix + "db", "x"), true), prefix);
            }
        }
        assertEquals(List.of(notRead(V + "agent-inject-template-file-db")), VaultAnnotationCheck.warnings(Map.of(V + "agent-inject-template-file-db", "t"), true));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            agent-inject-secrets-foo        | did you mean vault.hashicorp.com/agent-inject-secret-foo?
            agent-inject-secret             | did you mean vault.hashicorp.com/agent-inject-secret-<name>?
            agent-inject-secret-            | did you mean vault.hashicorp.com/agent-inject-secret-<name>?
            agent-inject-tempalte-db-creds  | did you mean vault.hashicorp.com/agent-inject-template-db-creds?
            agent-injct-template-db         | did you mean vault.hashicorp.com/agent-inject-template-db?
            agent-inject-perm-db            | did you mean vault.hashicorp.com/agent-inject-perms-db, which this injector does not read?
            agent-injekt                    | did you mean vault.hashicorp.com/agent-inject?
            Role                            | did you mean vault.hashicorp.com/role?
            tls-skip-verfy                  | did you mean vault.hashicorp.com/tls-skip-verify, which this injector does not read?
            agent-pre-populate-onl          | did you mean vault.hashicorp.com/agent-pre-populate-only?
            flavour                         | (closest known name: vault.hashicorp.com/ca-cert, which this injector does not read)
            """)
    void aTypoIsNamedWithTheClosestNameThePerNameFormsIncluded(String written, String expected) {
        var name = V + written;
        assertEquals(List.of(new InjectionWarning(Kind.UNKNOWN_ANNOTATION, "unknown annotation " + name + (expected.startsWith("(") ? " " : ": ") + expected)),
                VaultAnnotationCheck.warnings(Map.of(V + "agent-inject", "true", name, "x"), true));
    }

    @Test
    void typosAreNamedWhenThePodHasAgentInjectAndWhatIsNotReadOnlyWhenVaultAgentApplies() {
        var annotations = Map.of(V + "agent-inject", "false", V + "rol", "app", V + "tls-skip-verify", "true");
        assertEquals(List.of(new InjectionWarning(Kind.UNKNOWN_ANNOTATION, "unknown annotation vault.hashicorp.com/rol: did you mean vault.hashicorp.com/role?")),
                VaultAnnotationCheck.warnings(annotations, false));
        // No agent-inject and no vault-agent template: a Vault Agent Injector of its own may read them, not this one's business.
        assertEquals(List.of(), VaultAnnotationCheck.warnings(Map.of(V + "agent-injekt", "true", V + "tls-skip-verify", "true"), false));
        // The template picked by inject.istio.io/templates without agent-inject: everything is checked.
        assertEquals(List.of(notRead(V + "tls-skip-verify")), VaultAnnotationCheck.warnings(Map.of(V + "tls-skip-verify", "true"), true));
    }

    @Test
    void aTemplateFileNamedLikeASecretsTemplateIsThatTemplate() {
        var annotations = Map.of(V + "agent-inject-secret-file-db", "kv/db", V + "agent-inject-template-file-db", "{{ . }}");
        assertEquals(List.of(), VaultAnnotationCheck.warnings(annotations, true));
    }

    @Test
    void aTemplateWithoutItsSecretHasNoEffectAndTheClosestSecretIsNamed() {
        var annotations = Map.of(V + "agent-inject", "true", V + "role", "app", V + "agent-inject-secret-db-creds", "database/creds/app",
                V + "agent-inject-template-db-cred", "{{ . }}", V + "agent-inject-template-cache", "{{ . }}");
        assertEquals(List.of(
                        withoutSecret("cache", ""),
                        withoutSecret("db-cred", " (did you mean vault.hashicorp.com/agent-inject-template-db-creds?)")),
                VaultAnnotationCheck.warnings(annotations, true));
        // vault-agent not applied (agent-inject "false"): no template has an effect, nothing to say about one.
        var off = new HashMap<>(annotations);
        off.put(V + "agent-inject", "false");
        assertEquals(List.of(), VaultAnnotationCheck.warnings(off, false));
    }

    @Test
    void secretsWithoutAgentInjectHaveNoEffectInOneWarning() {
        var annotations = Map.of(V + "role", "app", V + "agent-inject-secret-db", "kv/db", V + "agent-inject-secret-api", "kv/api",
                V + "agent-inject-template-db", "{{ . }}");
        assertEquals(List.of(new InjectionWarning(Kind.INEFFECTIVE_ANNOTATION, "annotation vault.hashicorp.com/agent-inject-secret-api (and 1 more)"
                        + " has no effect: no Vault agent is injected without vault.hashicorp.com/agent-inject: \"true\" (or the vault-agent template in inject.istio.io/templates)")),
                VaultAnnotationCheck.withoutAgent(annotations));
        assertEquals("annotation vault.hashicorp.com/agent-inject-secret-db has no effect: no Vault agent is injected without"
                        + " vault.hashicorp.com/agent-inject: \"true\" (or the vault-agent template in inject.istio.io/templates)",
                VaultAnnotationCheck.withoutAgent(Map.of(V + "agent-inject-secret-db", "kv/db")).getFirst().message());
        // agent-inject "false" turns the agent off on purpose; no secret, nothing to write.
        assertEquals(List.of(), VaultAnnotationCheck.withoutAgent(Map.of(V + "agent-inject", "false", V + "agent-inject-secret-db", "kv/db")));
        assertEquals(List.of(), VaultAnnotationCheck.withoutAgent(Map.of(V + "role", "app", V + "agent-inject-secret-", "kv/db")));
    }

    @Test
    void thousandsOfAnnotationsGiveTwentySevenWarnings() {
        var annotations = new HashMap<String, String>();
        for (var i = 0; i < 5_000; i++) {
            annotations.put(V + "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-" + "p".repeat(200) + i, "x");
            annotations.put(V + "agent-inject-file-" + i, "x");
            annotations.put(V + "agent-inject-template-" + "t".repeat(200) + i, "x");
            annotations.put(V + "agent-inject-secret-" + "s".repeat(200) + i, "x");
        }
        var warnings = VaultAnnotationCheck.warnings(annotations, true);
        assertEquals(3 * (CappedWarnings.NAMED + 1), warnings.size(), warnings::toString);
        assertTrue(warnings.contains(new InjectionWarning(Kind.INEFFECTIVE_ANNOTATION,
                "4992 more templates without their secret (the first 8 are named)")), warnings::toString);
        assertTrue(warnings.contains(new InjectionWarning(Kind.UNKNOWN_ANNOTATION,
                "4992 more unknown annotations under vault.hashicorp.com/ (the first 8 are named)")), warnings::toString);
        assertTrue(warnings.contains(new InjectionWarning(Kind.UNSUPPORTED_ANNOTATION,
                "4992 more vault-k8s annotations that this injector does not read (the first 8 are named)")), warnings::toString);
        assertTrue(warnings.stream().allMatch(warning -> warning.message().length() < 256), warnings::toString);
    }

    private static InjectionWarning withoutSecret(String name, String intent) {
        return new InjectionWarning(Kind.INEFFECTIVE_ANNOTATION, "annotation vault.hashicorp.com/agent-inject-template-" + name
                + " has no effect: a template renders the secret of its name, and the pod has no vault.hashicorp.com/agent-inject-secret-" + name + intent);
    }

    private static InjectionWarning notRead(String name) {
        return new InjectionWarning(Kind.UNSUPPORTED_ANNOTATION, "annotation " + name + " is vault-k8s's, but this injector does not read it: it has no effect");
    }
}
