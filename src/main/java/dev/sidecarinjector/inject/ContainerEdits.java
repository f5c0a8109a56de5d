package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The fields the injection gives a container it does not own: one of the pod's (a probe moved to the status port,
 * a shared volume mounted) or a rendering the template cache shares between pods (the proxy's
 * {@code ISTIO_KUBE_APP_PROBERS}). Kept beside the container, never written into it, so the admitted pod and the
 * cache stay as they were; the patch says exactly these fields ({@link PodPatch}).
 */
final class ContainerEdits {

    /** A field the injection may change, by its name in the API. */
    private record Field(Function<Container, Object> get, BiConsumer<Container, Object> set) {
    }

    private static final Map<String, Field> FIELDS = Map.of(
            "readinessProbe", new Field(Container::getReadinessProbe, (c, v) -> c.setReadinessProbe((Probe) v)),
            "livenessProbe", new Field(Container::getLivenessProbe, (c, v) -> c.setLivenessProbe((Probe) v)),
            "startupProbe", new Field(Container::getStartupProbe, (c, v) -> c.setStartupProbe((Probe) v)),
            "volumeMounts", new Field(Container::getVolumeMounts, (c, v) -> c.setVolumeMounts(cast(v))),
            "env", new Field(Container::getEnv, (c, v) -> c.setEnv(cast(v))));

    private final Container base;
    private final Map<String, Object> changed = new LinkedHashMap<>();

    ContainerEdits(Container base) {
        this.base = base;
    }

    Container base() {
        return base;
    }

    boolean isEmpty() {
        return changed.isEmpty();
    }

    void set(String field, Object value) {
        if (!FIELDS.containsKey(field)) {
            throw new IllegalArgumentException("the injection does not change a container's " + field);
        }
        changed.put(field, value);
    }

    /** The field as the injection leaves it so far. */
    Object get(String field) {
        return changed.containsKey(field) ? changed.get(field) : FIELDS.get(field).get().apply(base);
    }

    List<VolumeMount> volumeMounts() {
        return orEmpty(cast(get("volumeMounts")));
    }

    List<EnvVar> env() {
        return orEmpty(cast(get("env")));
    }

    /** The container with these fields: a copy, or the base itself when nothing changed. */
    Container applied() {
        if (changed.isEmpty()) {
            return base;
        }
        var copy = new ContainerBuilder(base).build();
        changed.forEach((field, value) -> FIELDS.get(field).set().accept(copy, value));
        return copy;
    }

    /**
     * Writes these fields into {@code tree}, the base's JSON (a shallow copy of it: each field is set anew, never
     * changed in place); a list the injection only appended to gets the new items.
     */
    void writeInto(ObjectNode tree) {
        changed.forEach((field, value) -> {
            var before = FIELDS.get(field).get().apply(base);
            if (value == null) {
                tree.remove(field);
            } else if (appended(before, value) && tree.get(field) instanceof ArrayNode shared) {
                // The base's list may be the render cache's (immutable, SharedJson): the new items go on a copy.
                var items = SharedJson.shallowCopy(shared);
                tail(before, value).forEach(item -> items.add(PodTreeBase.tree(item)));
                tree.set(field, items);
            } else {
                tree.set(field, PodTreeBase.tree(value));
            }
        });
    }

    /** The patch ops for these fields of the container at {@code path}; a list the injection only appended to gets an add per item. */
    void ops(PatchOps ops, String path) {
        changed.forEach((field, value) -> {
            var before = FIELDS.get(field).get().apply(base);
            var at = path + "/" + field;
            if (value == null) {
                if (before != null) {
                    ops.remove(at);
                }
            } else if (appended(before, value) && !((List<?>) before).isEmpty()) {
                var index = ((List<?>) before).size();
                for (var item : tail(before, value)) {
                    ops.add(at + "/" + index++, PodTreeBase.tree(item));
                }
            } else if (!value.equals(before)) {
                var op = before == null || before instanceof List<?> list && list.isEmpty() ? PatchOps.Op.ADD : PatchOps.Op.REPLACE;
                ops.op(op, at, PodTreeBase.tree(value));
            }
        });
    }

    private static boolean appended(Object before, Object after) {
        return before instanceof List<?> old && after instanceof List<?> now && now.size() >= old.size() && now.subList(0, old.size()).equals(old);
    }

    private static List<?> tail(Object before, Object after) {
        var now = (List<?>) after;
        return now.subList(((List<?>) before).size(), now.size());
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(Object value) {
        return (List<T>) value;
    }
}
