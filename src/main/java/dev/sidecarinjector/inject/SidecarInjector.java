package dev.sidecarinjector.inject;

import dev.sidecarinjector.inject.InjectionResult.FailureReason;
import dev.sidecarinjector.inject.InjectionWarning.Kind;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * The injection pipeline both the webhook and kube-inject call: decide (which templates), read and validate each
 * template's values, render, check the result against the namespace's Pod Security level, diff; and the warnings
 * about the pod's annotations whatever the decision.
 * Pure: the same pod, facts, settings and templates always give the same result.
 */
public final class SidecarInjector {

    private SidecarInjector() {
    }

    public static InjectionResult inject(Pod pod, AdmissionFacts facts, InjectionSettings settings, SidecarTemplates templates) {
        try {
            return switch (InjectionPolicy.decide(pod, facts, settings)) {
                // An UPDATE is not looked at, as Istio's injector does not look at it.
                case InjectionDecision.Skip skip when skip.reason() == SkipReason.NOT_CREATE -> new InjectionResult.Skipped(skip);
                case InjectionDecision.Skip skip -> new InjectionResult.Skipped(skip, annotationWarnings(pod, false, false));
                case InjectionDecision.Inject inject -> {
                    var rendered = PodAssembly.render(pod, inject, settings, templates, facts);
                    var security = podSecurity(pod, rendered, facts, settings);
                    var skip = !security.isEmpty() && settings.podSecurity() == PodSecurityMode.SKIP;
                    var enforced = facts.namespaceLabels().get(PodSecurityLevel.ENFORCE_LABEL);
                    var warnings = new ArrayList<InjectionWarning>();
                    security.forEach(violation -> warnings.add(new InjectionWarning(Kind.POD_SECURITY, PodSecurityCheck.warning(enforced, violation, skip))));
                    warnings.addAll(annotationWarnings(pod, true, inject.templates().contains(TemplateNames.VAULT_AGENT)));
                    if (skip) {
                        var summary = PodSecurityCheck.summary(enforced, security);
                        if (!rendered.autoImageFields().isEmpty()) {
                            // Left as it is, the declaration would be an app container with the image "auto", which never runs.
                            throw PodAssembly.autoImageNeverRuns(rendered.autoImageFields().getFirst(),
                                    "with injector.pod-security.mode=skip this pod is admitted without injection (" + summary + ")");
                        }
                        yield new InjectionResult.Skipped(new InjectionDecision.Skip(SkipReason.POD_SECURITY, summary), warnings);
                    }
                    warnings.addAll(rendered.warnings());
                    var patch = PodPatch.between(pod, rendered);
                    PodSize.check(pod, rendered, patch);
                    yield new InjectionResult.Injected(inject, patch, warnings);
                }
            };
        } catch (InvalidValueException e) {
            return new InjectionResult.Rejected(FailureReason.INVALID_INPUT, e.getMessage());
        } catch (TemplateException e) {
            return new InjectionResult.Rejected(FailureReason.TEMPLATE_ERROR, e.getMessage());
        }
    }

    /**
     * The warnings about the pod's annotations: Istio's and this project's, then vault-k8s's ({@code injected}: the pod
     * gets its templates, not skipped; {@code vaultApplies}: vault-agent is among them).
     */
    private static List<InjectionWarning> annotationWarnings(Pod pod, boolean injected, boolean vaultApplies) {
        var annotations = PodFields.annotations(pod);
        var labels = PodFields.labels(pod);
        var warnings = new ArrayList<InjectionWarning>();
        InjectSelector.warning(labels, annotations).ifPresent(warnings::add);
        warnings.addAll(AnnotationCheck.warnings(annotations, labels));
        warnings.addAll(VaultAnnotationCheck.warnings(annotations, vaultApplies));
        if (injected) {
            warnings.addAll(ProxyConfigCheck.warnings(annotations));
            PodOverrides.interceptionWarning(annotations).ifPresent(warnings::add);
        }
        if (injected && !vaultApplies) {
            warnings.addAll(VaultAnnotationCheck.withoutAgent(annotations));
        }
        return warnings;
    }

    /** The injected containers the namespace's enforced level rejects; none when there is no label or the mode ignores it. */
    private static List<PodSecurityCheck.Violation> podSecurity(Pod pod, PodAssembly.Rendered rendered, AdmissionFacts facts, InjectionSettings settings) {
        var level = PodSecurityLevel.enforcedBy(facts.namespaceLabels());
        if (level.isEmpty() || settings.podSecurity() == PodSecurityMode.IGNORE) {
            return List.of();
        }
        return PodSecurityCheck.check(level.get(), pod.getSpec().getSecurityContext(), rendered.injectedContainers());
    }
}
