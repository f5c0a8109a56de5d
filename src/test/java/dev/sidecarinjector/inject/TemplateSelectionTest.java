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

/** Which templates a pod gets: inject.istio.io/templates, in order, the sidecar by default. */
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
    void theExplanationNamesTheTemplatesWhenTheyAreNotTheDefault() {
        assertEquals("inject: namespace demo has istio-injection=enabled", decide(Map.of(), ENABLED).explanation());
        assertEquals("inject (templates sidecar, log-shipper): namespace demo has istio-injection=enabled",
                decide(Map.of(Annotations.TEMPLATES, "sidecar,log-shipper"), ENABLED).explanation());
    }
}
