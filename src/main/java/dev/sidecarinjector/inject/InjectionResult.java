package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** What the injection pipeline did with one pod. */
public sealed interface InjectionResult {

    /**
     * The pod gets its templates: the mutated pod and the patch that produces it, and what a person should know
     * about it (a probe left as it was): the webhook logs these and returns them as the review's warnings,
     * kube-inject prints them.
     */
    record Injected(InjectionDecision.Inject decision, Pod pod, ArrayNode patch, List<String> warnings) implements InjectionResult {
        public Injected {
            warnings = List.copyOf(warnings);
        }
    }

    /** The pod is admitted unchanged. */
    record Skipped(InjectionDecision.Skip decision) implements InjectionResult {
    }

    /** The pod is refused: its own input is invalid, or the templates cannot render it. Nothing is applied. */
    record Rejected(FailureReason reason, String message) implements InjectionResult {
    }

    /** Why a pod was refused, the tag of {@code sidecar_injection_failure_total}. */
    enum FailureReason {
        INVALID_INPUT,
        TEMPLATE_ERROR;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
