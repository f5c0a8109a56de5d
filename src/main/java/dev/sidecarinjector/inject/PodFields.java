package dev.sidecarinjector.inject;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/** Null-safe reads of a pod's metadata, which the API leaves out when empty. */
final class PodFields {

    private PodFields() {
    }

    static Map<String, String> labels(Pod pod) {
        var metadata = pod.getMetadata();
        return metadata == null || metadata.getLabels() == null ? Map.of() : metadata.getLabels();
    }

    static Map<String, String> annotations(Pod pod) {
        var metadata = pod.getMetadata();
        return metadata == null || metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations();
    }
}
