package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;

/** The injected pod as the API server makes it: the admitted pod with the result's patch applied. */
public final class PatchedPods {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PatchedPods() {
    }

    public static Pod apply(Pod admitted, InjectionResult result) {
        var injected = (InjectionResult.Injected) result;
        try {
            return JSON.treeToValue(JsonPatch.apply(injected.patch().tree(), JSON.valueToTree(admitted)), Pod.class);
        } catch (java.io.IOException e) {
            throw new AssertionError("the patch does not give a pod: " + e.getMessage(), e);
        }
    }
}
