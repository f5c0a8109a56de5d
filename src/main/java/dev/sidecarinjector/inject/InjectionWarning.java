package dev.sidecarinjector.inject;

import java.util.Locale;

/**
 * Something the person creating a pod should know although the pod is admitted: the webhook returns it in the
 * AdmissionReview's {@code warnings} (kubectl prints {@code Warning: ...}), logs it and counts it by kind;
 * kube-inject prints it on stderr. The message may quote the pod's own values; whoever prints it escapes them.
 */
public record InjectionWarning(Kind kind, String message) {

    /** What the warning is about: the tag of {@code sidecar_injection_warnings_total}. */
    public enum Kind {
        /** An app probe left as it was written (not moved to the proxy's status port). */
        PROBE_NOT_MOVED,
        /** The namespace's Pod Security level rejects an injected container. */
        POD_SECURITY,
        /** An annotation under Istio's (or this project's, or vault-k8s's) prefixes that nobody defines. */
        UNKNOWN_ANNOTATION,
        /** One of Istio's (or vault-k8s's) annotations that this injector does not read. */
        UNSUPPORTED_ANNOTATION,
        /** An annotation Istio deprecated, with its replacement. */
        DEPRECATED_ANNOTATION,
        /** An annotation this injector reads that has no effect as the pod is written (a vault-k8s secret without the agent, a template without its secret). */
        INEFFECTIVE_ANNOTATION,
        /** A value read as unset, as Istio reads it ({@code sidecar.istio.io/inject} neither {@code "true"} nor {@code "false"}). */
        IGNORED_VALUE,
        /** A pod meant to finish (restartPolicy Never or OnFailure) with a template's long-running container as a regular container. */
        SIDECAR_BLOCKS_COMPLETION;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** True when the message starts with the pod's field it is about ({@code spec.restartPolicy: ...}), which in a workload is under its pod template. */
        public boolean namesPodField() {
            return this == PROBE_NOT_MOVED || this == SIDECAR_BLOCKS_COMPLETION;
        }
    }
}
