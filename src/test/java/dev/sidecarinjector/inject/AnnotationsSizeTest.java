package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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

}
