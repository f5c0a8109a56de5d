package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A null value in a map of strings is bound as the API server binds it (Go's zero value, ""), by the generated binder and by Jackson alike. */
class NullMapValuesTest {

    private static final String POD = """
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"labels": {"app": null}, "annotations": {"vault.hashicorp.com/agent-inject": "true", "vault.hashicorp.com/role": "r",
                          "vault.hashicorp.com/agent-inject-secret-x": null}},
             "spec": {"nodeSelector": {"disk": null}, "containers": [{"name": "a", "image": "b"}]%s}}""";

    @Test
    void theBinderAndJacksonBindANullAsTheEmptyString() throws Exception {
        // The second pod has a field the generated binder leaves to Jackson (a number where a string is expected).
        for (var json : new String[] {POD.formatted(""), POD.formatted(", \"hostname\": 7")}) {
            Pod pod;
            try (var parser = ModelJson.MAPPER.createParser(json)) {
                parser.nextToken();
                pod = bindOrJackson(parser, json);
            }
            assertEquals(Map.of("app", ""), pod.getMetadata().getLabels(), json);
            assertEquals("", pod.getMetadata().getAnnotations().get("vault.hashicorp.com/agent-inject-secret-x"));
            assertEquals(Map.of("disk", ""), pod.getSpec().getNodeSelector());
        }
    }

    @Test
    void aNullVaultSecretIsRefusedNamingItNotAnNullPointerException() throws Exception {
        var pod = ModelJson.MAPPER.readValue(POD.formatted(""), Pod.class);
        var result = SidecarInjector.inject(pod, new AdmissionFacts("CREATE", "default", Map.of("istio-injection", "enabled"), true),
                TestSettings.defaults(), SidecarTemplates.builtIn());
        var rejected = assertInstanceOf(InjectionResult.Rejected.class, result);
        assertEquals("vault.hashicorp.com/agent-inject-secret-x: \"\" is not a Vault path: empty (expected the secret's path, such as "
                + "database/creds/my-role, or a template in vault.hashicorp.com/agent-inject-template-x)", rejected.message());
    }

    private static Pod bindOrJackson(com.fasterxml.jackson.core.JsonParser parser, String json) throws Exception {
        try {
            return PodBinderBase.bind(parser);
        } catch (PodBinderBase.Unbound e) {
            return ModelJson.MAPPER.readValue(json, Pod.class);
        }
    }
}
