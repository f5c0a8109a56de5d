package dev.sidecarinjector.inject;

import java.util.List;
import java.util.Optional;

/**
 * A pod that is meant to finish (a Job's or CronJob's: {@code restartPolicy} {@code Never} or {@code OnFailure})
 * completes only when all its regular containers have exited. A template's long-running container (the log shipper,
 * Vault Agent, the config reloader) placed as a regular container never exits on its own, so the pod runs forever;
 * as a native sidecar (native placement) Kubernetes stops it once the pod's own containers have exited. The proxy
 * alone is not warned about: in container placement the Job's command ends it with {@code /quitquitquit}.
 */
final class JobCompletion {

    private JobCompletion() {
    }

    /** The warning for a pod with this restart policy and these template containers placed as regular containers; none when it completes. */
    static Optional<InjectionWarning> warning(String restartPolicy, List<String> longRunning) {
        if (longRunning.isEmpty() || !("Never".equals(restartPolicy) || "OnFailure".equals(restartPolicy))) {
            return Optional.empty();
        }
        var one = longRunning.size() == 1;
        // Within the 256 characters the API server keeps of a warning, with the three built-in templates named.
        return Optional.of(new InjectionWarning(InjectionWarning.Kind.SIDECAR_BLOCKS_COMPLETION, "spec.restartPolicy: \"" + restartPolicy
                + "\": the pod will not complete: " + String.join(", ", longRunning) + (one ? " does not exit on its own" : " do not exit on their own") + "; with "
                + Annotations.NATIVE_SIDECAR + ": \"true\" (Kubernetes 1.29+) " + (one ? "it runs as a native sidecar" : "they run as native sidecars")
                + ", which Kubernetes stops"));
    }
}
