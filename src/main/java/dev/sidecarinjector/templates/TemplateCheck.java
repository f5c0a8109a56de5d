package dev.sidecarinjector.templates;

import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.Annotations;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.Placement;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarTemplates;
import dev.sidecarinjector.inject.TemplateException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;

/** Proves a template set before it is used: it must inject a sample pod in every placement. */
final class TemplateCheck {

    private TemplateCheck() {
    }

    static void renderSample(SidecarTemplates templates, InjectionSettings settings) {
        for (var placement : Placement.values()) {
            var sample = samplePod(placement == Placement.NATIVE);
            var result = SidecarInjector.inject(sample, AdmissionFacts.manual("default", Map.of()), settings, templates);
            if (result instanceof InjectionResult.Rejected rejected) {
                throw new TemplateException(rejected.message() + " (while rendering a sample pod, placement " + placement.label() + ")");
            }
        }
    }

    private static Pod samplePod(boolean nativeSidecar) {
        return new PodBuilder()
                .withNewMetadata().withName("template-check").withNamespace("default")
                .addToAnnotations(Annotations.NATIVE_SIDECAR, Boolean.toString(nativeSidecar))
                .addToAnnotations(Annotations.PROXY_CONFIG, "holdApplicationUntilProxyStarts: true").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
                .build();
    }
}
