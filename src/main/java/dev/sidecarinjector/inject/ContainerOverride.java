package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Istio's override by name: a container the pod declares under the name of an injected one is merged over the
 * rendered container, with Kubernetes' strategic-merge rules for a Container. Mappings merge key by key; the
 * lists Kubernetes keys (env by name, ports by port and protocol, volume mounts by path, volume devices by path)
 * merge item by item, the pod's items replacing or joining the rendered ones; every other list, and every scalar,
 * is the pod's when it has one. A field cannot be removed: the pod arrives bound to the Kubernetes model, which
 * keeps no explicit null. Where Kubernetes allows one of several fields (an env
 * var's value or valueFrom, a probe's or a hook's handler), the pod's choice replaces the rendered one rather
 * than joining it into an invalid pair. {@code image: auto} keeps the injected image, as in Istio.
 */
final class ContainerOverride {

    /** Istio's word for "keep the image the injector chose". */
    static final String AUTO_IMAGE = "auto";
    private static final Map<String, List<String>> MERGE_KEYS = Map.of(
            "env", List.of("name"),
            "ports", List.of("containerPort", "protocol"),
            "volumeMounts", List.of("mountPath"),
            "volumeDevices", List.of("devicePath"));
    private static final Set<String> HANDLER = Set.of("exec", "httpGet", "tcpSocket", "grpc", "sleep");
    private static final Map<String, Set<String>> ONE_OF = Map.of(
            "env[]", Set.of("value", "valueFrom"),
            "livenessProbe", HANDLER,
            "readinessProbe", HANDLER,
            "startupProbe", HANDLER,
            "lifecycle.postStart", HANDLER,
            "lifecycle.preStop", HANDLER);

    private ContainerOverride() {
    }

    /**
     * The rendered container with {@code declared} merged over it. {@code field} is where the pod declared it
     * ({@code spec.containers[1]}): its {@code restartPolicy} must be the rendered one, since where an injected
     * container runs is the injection's choice ({@code sidecar.istio.io/nativeSidecar} for the proxy).
     */
    static Container merge(Container rendered, Container declared, String field) {
        if (!Objects.equals(rendered.getRestartPolicy(), declared.getRestartPolicy()) && declared.getRestartPolicy() != null) {
            throw new InvalidValueException(field + ".restartPolicy", declared.getRestartPolicy(), "cannot be overridden: the injected "
                    + rendered.getName() + " runs " + (rendered.getRestartPolicy() == null ? "as a regular container" : "as a native sidecar")
                    + (rendered.getName().equals(SidecarRenderer.PROXY_NAME) ? " (choose with " + Annotations.NATIVE_SIDECAR + ")" : ""));
        }
        ObjectNode base = PodTreeBase.object(rendered);
        ObjectNode patch = PodTreeBase.object(declared);
        if (patch.path("image").asText("").equals(AUTO_IMAGE)) {
            patch.remove("image");
        }
        mergeObject(base, patch, "");
        checkPortNames(base, rendered, patch, field);
        try {
            return PodBinderBase.fromTree(base, PodBinder::container, Container.class);
        } catch (java.io.IOException e) {
            throw new InvalidValueException(field, declared.getName(), "cannot be merged over the injected container: " + e.getMessage());
        }
    }

    private static void mergeObject(ObjectNode base, ObjectNode patch, String path) {
        var oneOf = ONE_OF.get(path);
        if (oneOf != null && oneOf.stream().anyMatch(patch::has)) {
            oneOf.forEach(base::remove);
        }
        for (var field : patch.properties()) {
            var key = field.getKey();
            var value = field.getValue();
            var current = base.get(key);
            var childPath = path.isEmpty() ? key : path + "." + key;
            if (value.isObject() && current != null && current.isObject()) {
                mergeObject((ObjectNode) current, (ObjectNode) value, childPath);
            } else if (path.isEmpty() && MERGE_KEYS.containsKey(key) && value.isArray() && current != null && current.isArray()) {
                mergeList((ArrayNode) current, (ArrayNode) value, MERGE_KEYS.get(key), key + "[]");
            } else {
                base.set(key, value.deepCopy());
            }
        }
    }

    /** The rendered items in their order, each merged with the pod's item of the same key; the pod's other items after them. */
    private static void mergeList(ArrayNode base, ArrayNode patch, List<String> keys, String path) {
        for (var item : patch) {
            var match = item.isObject() ? find(base, (ObjectNode) item, keys) : null;
            if (match == null) {
                base.add(item.deepCopy());
            } else {
                mergeObject(match, (ObjectNode) item, path);
            }
        }
    }

    private static ObjectNode find(ArrayNode items, ObjectNode wanted, List<String> keys) {
        for (var item : items) {
            if (item.isObject() && keys.stream().allMatch(key -> keyValue(item, key).equals(keyValue(wanted, key)))) {
                return (ObjectNode) item;
            }
        }
        return null;
    }

    /**
     * A port's protocol defaults to TCP, so {@code containerPort: 15090} names the rendered TCP port 15090; a path is
     * compared normalised, so {@code /tmp/} names the rendered mount at {@code /tmp}.
     */
    private static String keyValue(JsonNode item, String key) {
        var value = item.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return key.equals("protocol") ? "TCP" : "";
        }
        return key.endsWith("Path") ? MountPaths.normal(value.asText()) : value.asText();
    }

    /**
     * A port the pod's declaration adds (another number or protocol) under the name of another port of the merged
     * container: the API server refuses a container whose ports share a name. Refused naming the declaration's port.
     */
    private static void checkPortNames(ObjectNode merged, Container rendered, ObjectNode patch, String field) {
        var ports = merged.path("ports");
        var declared = patch.path("ports");
        for (var i = 0; i < declared.size(); i++) {
            var name = declared.get(i).path("name").asText("");
            if (name.isEmpty()) {
                continue;
            }
            var holders = 0;
            JsonNode other = null;
            for (var port : ports) {
                if (name.equals(port.path("name").asText(""))) {
                    holders++;
                    if (!sameKey(port, declared.get(i))) {
                        other = port;
                    }
                }
            }
            if (holders > 1 && other != null) {
                throw new InvalidValueException(field + ".ports[" + i + "].name", name, "is also the name of the port " + keyValue(other, "containerPort")
                        + "/" + keyValue(other, "protocol") + " of " + rendered.getName() + ": the ports of a container must have unique names");
            }
        }
    }

    private static boolean sameKey(JsonNode a, JsonNode b) {
        return MERGE_KEYS.get("ports").stream().allMatch(key -> keyValue(a, key).equals(keyValue(b, key)));
    }
}
