package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The JSON Patch (RFC 6902) from the pod as admitted to the injected pod, built from what the injection changes
 * rather than by diffing two serialisations of the whole pod: the annotations and labels it adds, each injected
 * container, init container and volume added where it goes ({@code add /spec/containers/0}), a pod's own declaration
 * of an injected container removed (override by name), and in each of the pod's own containers only the fields the
 * injection changed (a probe moved to the status port, a shared volume mounted). Everything else in the pod is never
 * read or written, so the patch says only what the injection did, in plain add/replace/remove ops.
 */
public final class PodPatch {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(
            DiffFlags.OMIT_VALUE_ON_REMOVE, DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

    private PodPatch() {
    }

    /** The patch that turns {@code original} into the pod {@code rendered} describes. */
    static ArrayNode between(Pod original, PodAssembly.Rendered rendered) {
        var ops = JsonNodeFactory.instance.arrayNode();
        var metadata = original.getMetadata();
        if (metadata == null) {
            var added = JSON.createObjectNode();
            putMap(added, "annotations", rendered.annotations());
            putMap(added, "labels", rendered.labels());
            if (!added.isEmpty()) {
                add(ops, "/metadata", added);
            }
        } else {
            mapOps(ops, "/metadata/annotations", metadata.getAnnotations(), rendered.annotations());
            mapOps(ops, "/metadata/labels", metadata.getLabels(), rendered.labels());
        }
        var spec = original.getSpec();
        var injected = Set.copyOf(rendered.injected());
        Predicate<Container> isInjected = container -> injected.contains(container.getName());
        listOps(ops, "/spec/initContainers", spec.getInitContainers(), rendered.initContainers(), isInjected);
        listOps(ops, "/spec/containers", spec.getContainers(), rendered.containers(), isInjected);
        var injectedVolumes = Set.copyOf(rendered.injectedVolumes());
        listOps(ops, "/spec/volumes", spec.getVolumes(), rendered.volumes(), volume -> injectedVolumes.contains(volume.getName()));
        return ops;
    }

    /**
     * Turns the list {@code before} into {@code after}, in which the items {@code added} says are new and the others
     * are {@code before}'s items that stay, in their order; an item of {@code before} that is itself {@code added}
     * (a declaration an injected item replaces) is removed. A missing or empty list is added whole.
     */
    private static <T> void listOps(ArrayNode ops, String path, List<T> before, List<T> after, Predicate<T> added) {
        if (before == null || before.isEmpty()) {
            if (!after.isEmpty()) {
                add(ops, path, JSON.valueToTree(after));
            }
            return;
        }
        var next = 0;
        for (var position = 0; position < after.size(); position++) {
            var item = after.get(position);
            next = removeReplaced(ops, path, before, next, position, added);
            if (added.test(item)) {
                add(ops, path + "/" + position, JSON.valueToTree(item));
            } else {
                var own = before.get(next++);
                if (!Objects.equals(own, item)) {
                    diff(ops, path + "/" + position, own, item);
                }
            }
        }
        removeReplaced(ops, path, before, next, after.size(), added);
    }

    /** Removes the items of {@code before} from {@code next} on that an injected item replaces; returns the next to keep. */
    private static <T> int removeReplaced(ArrayNode ops, String path, List<T> before, int next, int position, Predicate<T> added) {
        while (next < before.size() && added.test(before.get(next))) {
            ops.addObject().put("op", "remove").put("path", path + "/" + position);
            next++;
        }
        return next;
    }

    /** The fields of one of the pod's own items that the injection changed, each at its path. */
    private static void diff(ArrayNode ops, String path, Object before, Object after) {
        for (var op : JsonDiff.asJson(JSON.valueToTree(before), JSON.valueToTree(after), FLAGS)) {
            var prefixed = (ObjectNode) op;
            prefixed.put("path", path + op.path("path").asText());
            ops.add(prefixed);
        }
    }

    private static void mapOps(ArrayNode ops, String path, Map<String, String> before, Map<String, String> after) {
        if (before == null || before.isEmpty()) {
            if (!after.isEmpty()) {
                add(ops, path, JSON.valueToTree(after));
            }
            return;
        }
        for (var key : before.keySet()) {
            if (!after.containsKey(key)) {
                ops.addObject().put("op", "remove").put("path", path + "/" + escape(key));
            }
        }
        for (var entry : after.entrySet()) {
            var old = before.get(entry.getKey());
            if (!entry.getValue().equals(old)) {
                var op = before.containsKey(entry.getKey()) ? "replace" : "add";
                ops.addObject().put("op", op).put("path", path + "/" + escape(entry.getKey())).put("value", entry.getValue());
            }
        }
    }

    private static void putMap(ObjectNode parent, String field, Map<String, String> map) {
        if (!map.isEmpty()) {
            parent.set(field, JSON.valueToTree(map));
        }
    }

    private static void add(ArrayNode ops, String path, JsonNode value) {
        ops.addObject().put("op", "add").put("path", path).set("value", value);
    }

    /** A key as a JSON Pointer token (RFC 6901): {@code ~} and {@code /} escaped. */
    static String escape(String key) {
        return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace("~", "~0").replace("/", "~1");
    }
}
