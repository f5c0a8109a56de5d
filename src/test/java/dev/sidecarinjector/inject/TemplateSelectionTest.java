package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which templates a pod gets: inject.istio.io/templates, vault-k8s's agent-inject, and the rules that hold for all. */
class TemplateSelectionTest {

    private static final InjectionSettings SETTINGS = TestSettings.defaults();
    private static final Map<String, String> ENABLED = Map.of("istio-injection", "enabled");

    private static Pod pod(Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withName("web").withAnnotations(annotations).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().build();
    }

    private static InjectionDecision decide(Map<String, String> annotations, Map<String, String> namespaceLabels) {
        return InjectionPolicy.decide(pod(annotations), new AdmissionFacts("CREATE", "demo", namespaceLabels, true), SETTINGS);
    }

    private static List<String> templates(Map<String, String> annotations, Map<String, String> namespaceLabels) {
        return assertInstanceOf(InjectionDecision.Inject.class, decide(annotations, namespaceLabels)).templates();
    }

    @Test
    void theAnnotationChoosesTheTemplatesInOrderAndTheDefaultIsTheSidecar() {
        assertEquals(List.of("sidecar"), templates(Map.of(), ENABLED));
        assertEquals(List.of("log-shipper", "sidecar"), templates(Map.of(Annotations.TEMPLATES, " log-shipper , sidecar "), ENABLED));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sidecar,,log-shipper | has an empty template name",
            "'' | has an empty template name",
            "sidecar,sidecar | names the template sidecar twice",
            "Log_Shipper | names \"Log_Shipper\", which cannot be a template name"})
    void aMalformedListIsRefusedNamingTheAnnotation(String value, String problem) {
        var error = assertThrows(InvalidValueException.class, () -> decide(Map.of(Annotations.TEMPLATES, value), ENABLED));
        assertTrue(error.getMessage().startsWith(Annotations.TEMPLATES + ": \"" + value + "\" " + problem), error.getMessage());
    }

    @Test
    void agentInjectAddsVaultAgentAfterTheMeshsTemplatesOnce() {
        assertEquals(List.of("sidecar", "vault-agent"), templates(Map.of(VaultAnnotations.INJECT, "true"), ENABLED));
        assertEquals(List.of("vault-agent", "sidecar"), templates(Map.of(VaultAnnotations.INJECT, "true", Annotations.TEMPLATES, "vault-agent,sidecar"), ENABLED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "t", "T", "TRUE", "true", "True"})
    void agentInjectIsReadAsVaultK8sReadsIt(String yes) {
        assertEquals(List.of("vault-agent"), templates(Map.of(VaultAnnotations.INJECT, yes), Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "on", "", "tRuE"})
    void anAgentInjectValueVaultK8sWouldRefuseIsRefused(String value) {
        var error = assertThrows(InvalidValueException.class, () -> decide(Map.of(VaultAnnotations.INJECT, value), ENABLED));
        assertTrue(error.getMessage().startsWith(VaultAnnotations.INJECT + ": \"" + value + "\" is not a boolean"), error.getMessage());
    }

    @Test
    void vaultAgentAppliesWhereTheMeshDoesNot() {
        var opted = Map.of(VaultAnnotations.INJECT, "true");
        assertEquals(List.of("vault-agent"), templates(opted, Map.of()), "namespace not opted in");
        assertEquals(List.of("vault-agent"), templates(opted, Map.of("istio-injection", "disabled")), "namespace opted out");
        var annotated = new java.util.HashMap<>(opted);
        annotated.put(Annotations.INJECT, "false");
        assertEquals(List.of("vault-agent"), templates(annotated, ENABLED), "pod opted out of the mesh");
    }

    @Test
    void theNeverInjectRulesHoldForVaultAgentToo() {
        var opted = Map.of(VaultAnnotations.INJECT, "true");
        assertEquals(SkipReason.IGNORED_NAMESPACE, assertInstanceOf(InjectionDecision.Skip.class,
                InjectionPolicy.decide(pod(opted), new AdmissionFacts("CREATE", "kube-system", Map.of(), true), SETTINGS)).reason());
        assertEquals(SkipReason.NOT_CREATE, assertInstanceOf(InjectionDecision.Skip.class,
                InjectionPolicy.decide(pod(opted), new AdmissionFacts("UPDATE", "demo", ENABLED, true), SETTINGS)).reason());
    }

    @Test
    void aPodVaultK8sAlreadyInjectedDoesNotGetVaultAgentAgain() {
        var annotations = Map.of(VaultAnnotations.INJECT, "true", VaultAnnotations.STATUS, "injected");
        assertEquals(List.of("sidecar"), templates(annotations, ENABLED));
        assertEquals(SkipReason.NAMESPACE_NOT_ENABLED, assertInstanceOf(InjectionDecision.Skip.class, decide(annotations, Map.of())).reason());
    }

    @Test
    void theExplanationNamesTheTemplatesWhenTheyAreNotTheDefault() {
        assertEquals("inject: namespace demo has istio-injection=enabled", decide(Map.of(), ENABLED).explanation());
        assertEquals("inject (templates sidecar, log-shipper): namespace demo has istio-injection=enabled",
                decide(Map.of(Annotations.TEMPLATES, "sidecar,log-shipper"), ENABLED).explanation());
    }
}
