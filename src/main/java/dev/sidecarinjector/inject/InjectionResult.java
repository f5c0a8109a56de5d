package dev.sidecarinjector.inject;

import java.util.List;

/** What the injection pipeline did with one pod. */
public sealed interface InjectionResult {

    /** What a person should know about the admitted pod: the webhook logs these and returns them as the review's warnings, kube-inject prints them. */
    List<InjectionWarning> warnings();

    /** The pod gets its templates: the patch that injects them. */
    record Injected(InjectionDecision.Inject decision, PatchOps patch, List<InjectionWarning> warnings) implements InjectionResult {
        public Injected {
            warnings = List.copyOf(warnings);
        }
    }

    /** The pod is admitted unchanged. */
    record Skipped(InjectionDecision.Skip decision, List<InjectionWarning> warnings) implements InjectionResult {
        public Skipped {
            warnings = List.copyOf(warnings);
        }

        /** A skip with nothing to warn about. */
        public Skipped(InjectionDecision.Skip decision) {
            this(decision, List.of());
        }
    }

    /** The pod is refused: its own input is invalid, or the templates cannot render it. Nothing is applied. */
    record Rejected(FailureReason reason, String message) implements InjectionResult {
        @Override
        public List<InjectionWarning> warnings() {
            return List.of();
        }
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
