package dev.sidecarinjector.templates;

import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.Annotations;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.Placement;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarTemplates;
import dev.sidecarinjector.inject.TemplateException;
import dev.sidecarinjector.inject.TemplateNames;
import dev.sidecarinjector.inject.VaultAnnotations;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * Proves a template set before it is used: the sidecar must inject a sample pod in every placement, and every
 * named template must inject it alone. The sample carries what the built-in templates require (a Vault role and
 * secret, a ConfigMap volume and a reload URL), so a replaced built-in template is rendered with real values.
 */
final class TemplateCheck {

    private TemplateCheck() {
    }

    static void renderSample(SidecarTemplates templates, InjectionSettings settings) {
        for (var placement : Placement.values()) {
            check(templates, settings, samplePod(TemplateNames.SIDECAR, placement == Placement.NATIVE), "the sidecar, placement " + placement.label());
        }
        for (var name : templates.names()) {
            if (!name.equals(TemplateNames.SIDECAR)) {
                check(templates, settings, samplePod(name, false), "template " + name);
            }
        }
    }

    private static void check(SidecarTemplates templates, InjectionSettings settings, Pod sample, String what) {
        var result = SidecarInjector.inject(sample, AdmissionFacts.sample("default"), settings, templates);
        if (result instanceof InjectionResult.Rejected rejected) {
            throw new TemplateException(rejected.message() + " (while rendering a sample pod with " + what + ")");
        }
    }

    private static Pod samplePod(String template, boolean nativeSidecar) {
        return new PodBuilder()
                .withNewMetadata().withName("template-check").withNamespace("default")
                .addToAnnotations(Annotations.TEMPLATES, template)
                .addToAnnotations(Annotations.NATIVE_SIDECAR, Boolean.toString(nativeSidecar))
                .addToAnnotations(Annotations.PROXY_CONFIG, "holdApplicationUntilProxyStarts: true")
                .addToAnnotations(VaultAnnotations.ROLE, "template-check")
                .addToAnnotations(VaultAnnotations.SECRET_PREFIX + "sample", "secret/data/template-check")
                .addToAnnotations(Annotations.CONFIG_RELOADER_VOLUME, "config")
                .addToAnnotations(Annotations.CONFIG_RELOADER_URL, "http://localhost:8080/-/reload")
                .endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer()
                .addNewVolume().withName("config").withNewConfigMap().withName("app-config").endConfigMap().endVolume()
                .endSpec()
                .build();
    }
}
