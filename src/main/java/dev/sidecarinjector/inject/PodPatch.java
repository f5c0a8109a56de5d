package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The JSON Patch (RFC 6902) from the pod as admitted to the injected pod, built from what the injection changes
 * rather than by diffing two serialisations of the whole pod: the annotations and labels it adds, each injected
 * container, init container and volume added where it goes ({@code add /spec/containers/0}), a pod's own declaration
 * of an injected container removed (override by name), and in each of the pod's own containers only the fields the
 * injection changed ({@link ContainerEdits}: a probe moved to the status port, a shared volume mounted). Everything
 * else in the pod is never read or written, so the patch says only what the injection did, in plain
 * add/replace/remove ops. The JSON of a rendered container comes from the render cache, not from serialising it again.
 */
public final class PodPatch {

    private static final ObjectMapper JSON = ModelJson.MAPPER;

    private PodPatch() {
    }

    /** The patch that turns {@code original} into the pod {@code rendered} describes. */
    static PatchOps between(Pod original, PodAssembly.Rendered rendered) {
        var ops = new PatchOps();
        var metadata = original.getMetadata();
        if (metadata == null) {
            var added = JSON.createObjectNode();
            putMap(added, "annotations", rendered.annotations());
            putMap(added, "labels", rendered.labels());
            if (!added.isEmpty()) {
                ops.add("/metadata", added);
            }
        } else {
            mapOps(ops, "/metadata/annotations", metadata.getAnnotations(), rendered.annotations());
            mapOps(ops, "/metadata/labels", metadata.getLabels(), rendered.labels());
        }
        var spec = original.getSpec();
        // Hash sets: the pod may name a container or volume null (the API server refuses it after the webhooks).
        var injected = new HashSet<>(rendered.injected());
        var containers = new ListPatch<Container>(container -> injected.contains(container.getName()), container -> {
            var json = rendered.json().get(container);
            var edits = rendered.edits().get(container);
            if (edits == null) {
                return json == null ? PodTreeBase.tree(container) : json;
            }
            ObjectNode value = json == null ? PodTreeBase.object(container) : SharedJson.shallowCopy((ObjectNode) json);
            edits.writeInto(value);
            return value;
        }, (container, path) -> {
            var edits = rendered.edits().get(container);
            if (edits != null) {
                edits.ops(ops, path);
            }
        });
        containers.ops(ops, "/spec/initContainers", spec.getInitContainers(), rendered.initContainers());
        containers.ops(ops, "/spec/containers", spec.getContainers(), rendered.containers());
        var injectedVolumes = new HashSet<>(rendered.injectedVolumes());
        new ListPatch<Volume>(volume -> injectedVolumes.contains(volume.getName()), PodTreeBase::tree, (volume, path) -> {
        }).ops(ops, "/spec/volumes", spec.getVolumes(), rendered.volumes());
        return ops;
    }

    /**
     * How one list of the pod changes: {@code added} tells an injected item from one of the pod's own, {@code value}
     * gives an injected item's JSON, {@code changed} writes the ops for the changes to one of the pod's own items at a path.
     */
    private record ListPatch<T>(Predicate<T> added, Function<T, JsonNode> value, BiConsumer<T, String> changed) {

        /**
         * Turns the list {@code before} into {@code after}, in which the items {@code added} says are new and the
         * others are {@code before}'s items that stay, in their order; an item of {@code before} that is itself
         * {@code added} (a declaration an injected item replaces) is removed. A missing or empty list is added whole.
         */
        void ops(PatchOps ops, String path, List<T> before, List<T> after) {
            if (before == null || before.isEmpty()) {
                if (!after.isEmpty()) {
                    var items = JSON.createArrayNode();
                    after.forEach(item -> items.add(value.apply(item)));
                    ops.add(path, items);
                }
                return;
            }
            var next = 0;
            for (var position = 0; position < after.size(); position++) {
                var item = after.get(position);
                next = removeReplaced(ops, path, before, next, position);
                if (added.test(item)) {
                    ops.add(path + "/" + position, value.apply(item));
                } else {
                    changed.accept(before.get(next++), path + "/" + position);
                }
            }
            removeReplaced(ops, path, before, next, after.size());
        }

        /** Removes the items of {@code before} from {@code next} on that an injected item replaces; returns the next to keep. */
        private int removeReplaced(PatchOps ops, String path, List<T> before, int next, int position) {
            while (next < before.size() && added.test(before.get(next))) {
                ops.remove(path + "/" + position);
                next++;
            }
            return next;
        }
    }

    private static void mapOps(PatchOps ops, String path, Map<String, String> before, Map<String, String> after) {
        if (before == null || before.isEmpty()) {
            if (!after.isEmpty()) {
                ops.add(path, PodTreeBase.tree(after));
            }
            return;
        }
        for (var key : before.keySet()) {
            if (!after.containsKey(key)) {
                ops.remove(path + "/" + escape(key));
            }
        }
        for (var entry : after.entrySet()) {
            var present = before.containsKey(entry.getKey());
            // A value may be null: the API server's JSON allows it, and the injection keeps it as written.
            if (!present || !Objects.equals(entry.getValue(), before.get(entry.getKey()))) {
                var value = entry.getValue() == null ? NullNode.getInstance() : TextNode.valueOf(entry.getValue());
                ops.op(present ? PatchOps.Op.REPLACE : PatchOps.Op.ADD, path + "/" + escape(entry.getKey()), value);
            }
        }
    }

    private static void putMap(ObjectNode parent, String field, Map<String, String> map) {
        if (!map.isEmpty()) {
            parent.set(field, PodTreeBase.tree(map));
        }
    }

    /** A key as a JSON Pointer token (RFC 6901): {@code ~} and {@code /} escaped. */
    static String escape(String key) {
        return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace("~", "~0").replace("/", "~1");
    }
}
