package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.EnumSet;

/**
 * The JSON Patch (RFC 6902) from the pod as admitted to the injected pod. Both sides go through the same model
 * serialisation, so only what the injection changed appears; zjsonpatch escapes {@code /} and {@code ~} in keys.
 */
public final class PodPatch {

    private static final ObjectMapper JSON = new ObjectMapper();
    // Plain add/replace/remove ops: simplest for the API server and for people reading the patch.
    private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(
            DiffFlags.OMIT_VALUE_ON_REMOVE, DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

    private PodPatch() {
    }

    /** The pod as the diff sees it; the injector serialises the admitted pod once and renders from this tree too. */
    public static JsonNode tree(Pod pod) {
        return JSON.valueToTree(pod);
    }

    public static ArrayNode between(JsonNode original, Pod mutated) {
        JsonNode after = JSON.valueToTree(mutated);
        return (ArrayNode) JsonDiff.asJson(original, after, FLAGS);
    }
}
