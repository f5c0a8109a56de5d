package dev.sidecarinjector.inject;

import dev.sidecarinjector.inject.InjectionDecision.Inject;
import dev.sidecarinjector.inject.InjectionDecision.Skip;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a pod is injected and with which templates. The never-inject rules hold for every template.
 * The mesh's templates ({@code inject.istio.io/templates}, default {@code sidecar}) follow Istio's rules and
 * precedence: a disabled namespace, then the pod label, the pod annotation, Istio's never-inject selectors, and
 * last the namespace opt-in.
 * vault-k8s's {@code vault.hashicorp.com/agent-inject: "true"} adds vault-agent on its own, as vault-k8s injects
 * whatever Istio's labels say. Pure: no I/O, no configuration lookups.
 */
public final class InjectionPolicy {

    private InjectionPolicy() {
    }

    public static InjectionDecision decide(Pod pod, AdmissionFacts facts, InjectionSettings settings) {
        var never = neverInjected(pod, facts, settings);
        if (never.isPresent()) {
            return never.get();
        }
        var annotations = PodFields.annotations(pod);
        var vault = VaultAnnotations.inject(annotations).filter(on -> !on || !VaultAnnotations.alreadyInjected(annotations));
        return switch (mesh(pod, facts, settings)) {
            case Inject inject -> new Inject(inject.why(), withVault(TemplateNames.requested(annotations), vault, annotations));
            case Skip skip when vault.orElse(false) && skip.reason().meshOnly() -> new Inject(
                    "annotation " + VaultAnnotations.INJECT + ": \"" + annotations.get(VaultAnnotations.INJECT) + "\" (the mesh's templates are not applied: "
                            + skip.reason().message() + ")", List.of(TemplateNames.VAULT_AGENT));
            case Skip skip -> skip;
        };
    }

    private static Optional<Skip> neverInjected(Pod pod, AdmissionFacts facts, InjectionSettings settings) {
        if (!"CREATE".equals(facts.operation())) {
            return Optional.of(new Skip(SkipReason.NOT_CREATE, "operation " + facts.operation()));
        }
        if (pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
            return Optional.of(new Skip(SkipReason.HOST_NETWORK, ""));
        }
        if (settings.ignores(facts.namespace())) {
            return Optional.of(new Skip(SkipReason.IGNORED_NAMESPACE, "namespace " + facts.namespace()));
        }
        if (PodFields.annotations(pod).containsKey(Annotations.STATUS)) {
            return Optional.of(new Skip(SkipReason.ALREADY_INJECTED, ""));
        }
        return Optional.empty();
    }

    /** Istio's decision for the mesh's templates; the templates themselves are filled in by the caller. */
    private static InjectionDecision mesh(Pod pod, AdmissionFacts facts, InjectionSettings settings) {
        var labels = PodFields.labels(pod);
        var annotations = PodFields.annotations(pod);
        var label = settings.namespaceLabel();
        var namespaceValue = facts.namespaceLabels().get(label.key());
        if (label.disabledValue().equals(namespaceValue)) {
            return new Skip(SkipReason.NAMESPACE_DISABLED, "namespace " + facts.namespace() + " has " + label.key() + "=" + namespaceValue);
        }
        var selector = InjectSelector.of(labels, annotations);
        var opted = selector.flatMap(InjectSelector::opted);
        if (opted.isPresent() && selector.get().fromLabel()) {
            return opted.get()
                    ? new Inject("pod label " + Annotations.INJECT + "=" + selector.get().value(), List.of())
                    : new Skip(SkipReason.POD_LABEL_OPT_OUT, Annotations.INJECT + "=" + selector.get().value());
        }
        var podAnnotationOptIn = opted.orElse(false);
        if (opted.isPresent() && !podAnnotationOptIn) {
            return new Skip(SkipReason.POD_ANNOTATION_OPT_OUT, Annotations.INJECT + ": " + selector.get().value());
        }
        // As Istio: the selectors decide only where the pod's own label or annotation does not.
        if (opted.isEmpty()) {
            for (var never : settings.neverInjectSelectors()) {
                if (never.matches(labels)) {
                    return new Skip(SkipReason.NEVER_INJECT_SELECTOR, "selector " + never.index() + ": " + never.text());
                }
            }
        }
        if (label.enabledValue().equals(namespaceValue)) {
            return new Inject("namespace " + facts.namespace() + " has " + label.key() + "=" + namespaceValue, List.of());
        }
        if (!facts.namespaceOptInRequired()) {
            return new Inject("injection was requested explicitly (kube-inject)", List.of());
        }
        return new Skip(SkipReason.NAMESPACE_NOT_ENABLED, namespaceDetail(facts, label, podAnnotationOptIn));
    }

    /**
     * The mesh's templates with vault-agent added last when {@code agent-inject} asks for it and they do not name
     * it already; naming it while {@code agent-inject} turns it off is a contradiction, refused rather than guessed.
     */
    private static List<String> withVault(List<String> requested, Optional<Boolean> vault, Map<String, String> annotations) {
        var names = new ArrayList<>(requested);
        if (vault.isPresent() && !vault.get() && names.contains(TemplateNames.VAULT_AGENT)) {
            throw new InvalidValueException(Annotations.TEMPLATES, annotations.get(Annotations.TEMPLATES), "names " + TemplateNames.VAULT_AGENT
                    + ", which " + VaultAnnotations.INJECT + ": \"" + annotations.get(VaultAnnotations.INJECT) + "\" turns off");
        }
        if (vault.orElse(false) && !names.contains(TemplateNames.VAULT_AGENT)) {
            names.add(TemplateNames.VAULT_AGENT);
        }
        return names;
    }

    private static String namespaceDetail(AdmissionFacts facts, NamespaceLabel label, boolean podAnnotationOptIn) {
        var detail = "namespace " + facts.namespace() + " lacks " + label.key() + "=" + label.enabledValue();
        // The annotation alone cannot opt in, as in Istio: the webhook's object selector only sees labels.
        return podAnnotationOptIn ? detail + "; the annotation " + Annotations.INJECT + " cannot opt in, use the label" : detail;
    }
}
