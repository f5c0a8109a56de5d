package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.text.ShownValue;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Annotations over what the API server takes are refused naming the largest, not blamed on the template that renders it. */
class AnnotationsSizeTest {

    private static InjectionResult inject(String template) {
        var pod = new PodBuilder().withNewMetadata().withName("web")
                .addToAnnotations(Map.of(VaultAnnotations.INJECT, "true", VaultAnnotations.ROLE, "web", VaultAnnotations.SECRET_PREFIX + "db", "secret/db",
                        VaultAnnotations.TEMPLATE_PREFIX + "db", template))
                .endMetadata().withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().build();
        return SidecarInjector.inject(pod, new AdmissionFacts("CREATE", "default", Map.of("istio-injection", "enabled"), true),
                TestSettings.defaults(), SidecarTemplates.builtIn());
    }

    @Test
    void annotationsOverTheApiServersLimitAreRefusedNamingTheLargest() {
        var template = "x".repeat(1_200_000);
        var rejected = assertInstanceOf(InjectionResult.Rejected.class, inject(template));
        assertEquals(InjectionResult.FailureReason.INVALID_INPUT, rejected.reason());
        var bytes = VaultAnnotations.INJECT.length() + 4 + VaultAnnotations.ROLE.length() + 3 + VaultAnnotations.SECRET_PREFIX.length() + 2 + 9
                + VaultAnnotations.TEMPLATE_PREFIX.length() + 2 + template.length();
        assertEquals("vault.hashicorp.com/agent-inject-template-db: " + ShownValue.of(template, "\"") + " makes the pod's annotations "
                + bytes + " bytes, more than the 262144 the API server takes", rejected.message());
        assertInstanceOf(InjectionResult.Injected.class, inject("x".repeat(200_000)), "under the limit, injected");
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
        // 100,000 euro signs are 300,000 bytes; 120,000 e-acutes 240,000 bytes, under the limit though three bytes per
        // character would not be.
        var euros = assertInstanceOf(InjectionResult.Rejected.class, inject("\u20ac".repeat(100_000)));
        assertTrue(euros.message().contains("more than the 262144 the API server takes"), euros.message());
        assertInstanceOf(InjectionResult.Injected.class, inject("\u00e9".repeat(120_000)), "240,000 bytes");
        assertInstanceOf(InjectionResult.Injected.class, inject("\u20ac".repeat(80_000)), "240,000 bytes");
    }

    @Test
    void anInjectedPodOverWhatEtcdStoresIsRefusedNamingWhatMadeIt() {
        var annotations = new java.util.HashMap<String, String>(Map.of(VaultAnnotations.INJECT, "true", VaultAnnotations.ROLE, "web"));
        for (var i = 0; i < 3000; i++) {
            annotations.put(VaultAnnotations.SECRET_PREFIX + "s" + i, "secret/data/app/s" + i);
        }
        var pod = new PodBuilder().withNewMetadata().withName("web").addToAnnotations(annotations).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().build();
        var result = SidecarInjector.inject(pod, new AdmissionFacts("CREATE", "default", Map.of("istio-injection", "enabled"), true),
                TestSettings.defaults(), SidecarTemplates.builtIn());
        var rejected = assertInstanceOf(InjectionResult.Rejected.class, result);
        org.junit.jupiter.api.Assertions.assertTrue(rejected.message().matches("metadata\\.annotations: 3002 annotations make the injected pod \\d+ bytes of JSON, "
                + "more than the 1572864 etcd stores for an object; the largest value it adds is env VAULT_CONFIG of vault-agent(-init)? \\(\\d+ characters\\): "
                + "ask for fewer secrets or templates in one pod"), rejected.message());
    }
}
