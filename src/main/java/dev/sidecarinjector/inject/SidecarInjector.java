package dev.sidecarinjector.inject;

import dev.sidecarinjector.inject.InjectionResult.FailureReason;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The injection pipeline both the webhook and kube-inject call: decide (which templates), read and validate each
 * template's values, render, diff.
 * Pure: the same pod, facts, settings and templates always give the same result.
 */
public final class SidecarInjector {

    private SidecarInjector() {
    }

    public static InjectionResult inject(Pod pod, AdmissionFacts facts, InjectionSettings settings, SidecarTemplates templates) {
        try {
            return switch (InjectionPolicy.decide(pod, facts, settings)) {
                case InjectionDecision.Skip skip -> new InjectionResult.Skipped(skip);
                case InjectionDecision.Inject inject -> {
                    var original = PodPatch.tree(pod);
                    var rendered = PodAssembly.render(original, inject, settings, templates, facts);
                    yield new InjectionResult.Injected(inject, rendered.pod(), PodPatch.between(original, rendered.pod()), rendered.warnings());
                }
            };
        } catch (InvalidValueException e) {
            return new InjectionResult.Rejected(FailureReason.INVALID_INPUT, e.getMessage());
        } catch (TemplateException e) {
            return new InjectionResult.Rejected(FailureReason.TEMPLATE_ERROR, e.getMessage());
        }
    }
}
