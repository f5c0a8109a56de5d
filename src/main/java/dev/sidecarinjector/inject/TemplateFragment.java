package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a named template renders: the containers, init containers and volumes it adds, and the volume mounts it
 * adds to each container the pod declares. Where each goes is decided in code (see {@link PodAssembly}), so a
 * template cannot reorder or remove what the pod has. Parsed strictly: an unknown key, here or in a container,
 * is an error naming the file and the field.
 */
record TemplateFragment(boolean initContainersFirst, List<Container> initContainers, List<Container> containers,
                        List<Volume> volumes, List<VolumeMount> appVolumeMounts) {

    static final String INIT_CONTAINERS_FIRST = "initContainersFirst";
    static final String INIT_CONTAINERS = "initContainers";
    static final String CONTAINERS = "containers";
    static final String VOLUMES = "volumes";
    static final String APP_VOLUME_MOUNTS = "appVolumeMounts";
    private static final Set<String> KEYS = Set.of(INIT_CONTAINERS_FIRST, INIT_CONTAINERS, CONTAINERS, VOLUMES, APP_VOLUME_MOUNTS);
    private static final ObjectMapper JSON = ModelJson.MAPPER;

    TemplateFragment {
        initContainers = List.copyOf(initContainers);
        containers = List.copyOf(containers);
        volumes = List.copyOf(volumes);
        appVolumeMounts = List.copyOf(appVolumeMounts);
    }

    /** Checks a rendered tree (an empty document is an empty fragment) and returns it as kept by the render cache. */
    static JsonNode check(String file, JsonNode tree) {
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return JSON.createObjectNode();
        }
        if (!tree.isObject()) {
            throw new TemplateException("template " + file + " does not render a YAML mapping");
        }
        for (var key : (Iterable<String>) tree::fieldNames) {
            if (!KEYS.contains(key)) {
                throw new TemplateException("template " + file + " renders the key " + key + ", which is not one of " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        var first = tree.get(INIT_CONTAINERS_FIRST);
        if (first != null && !first.isBoolean() && !first.isNull()) {
            throw new TemplateException("template " + file + " renders " + INIT_CONTAINERS_FIRST + ": " + first + ", which is not true or false");
        }
        var unknown = new ArrayList<String>();
        var fragment = bind(file, tree, unknown);
        if (!unknown.isEmpty()) {
            throw new TemplateException("template " + file + " renders fields Kubernetes does not have: " + String.join(", ", unknown));
        }
        for (var container : concat(fragment.initContainers(), fragment.containers())) {
            if (container.getName() == null || container.getName().isBlank()) {
                throw new TemplateException("template " + file + " renders a container without a name");
            }
        }
        for (var volume : fragment.volumes()) {
            if (volume.getName() == null || volume.getName().isBlank()) {
                throw new TemplateException("template " + file + " renders a volume without a name");
            }
        }
        for (var mount : fragment.appVolumeMounts()) {
            if (mount.getName() == null || mount.getName().isBlank() || mount.getMountPath() == null || !mount.getMountPath().startsWith("/")) {
                throw new TemplateException("template " + file + " renders an entry of " + APP_VOLUME_MOUNTS + " without a volume name and an absolute mountPath");
            }
        }
        TemplateContainerCheck.fragment(file, fragment);
        return tree;
    }

    /** A fresh fragment bound from a checked tree. */
    static TemplateFragment bind(String file, JsonNode tree) {
        return bind(file, tree, new ArrayList<>());
    }

    /** A fragment bound from a tree, with the paths of the fields the model does not have added to {@code unknown}. */
    private static TemplateFragment bind(String file, JsonNode tree, List<String> unknown) {
        try {
            var object = (ObjectNode) tree;
            return new TemplateFragment(object.path(INIT_CONTAINERS_FIRST).asBoolean(false),
                    list(file, object.get(INIT_CONTAINERS), PodBinder::container, Container.class, INIT_CONTAINERS, unknown),
                    list(file, object.get(CONTAINERS), PodBinder::container, Container.class, CONTAINERS, unknown),
                    list(file, object.get(VOLUMES), PodBinder::volume, Volume.class, VOLUMES, unknown),
                    list(file, object.get(APP_VOLUME_MOUNTS), PodBinder::volumeMount, VolumeMount.class, APP_VOLUME_MOUNTS, unknown));
        } catch (IllegalArgumentException e) {
            throw new TemplateException("template " + file + " renders invalid YAML for its containers, volumes or mounts: " + e.getMessage(), e);
        }
    }

    /** The items of one list; an item that does not bind is refused naming it, the field, the value and what was expected. */
    private static <T> List<T> list(String file, JsonNode node, PodBinderBase.Reader<T> reader, Class<T> type, String path, List<String> unknown) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("expected a list, found " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        var items = new ArrayList<T>();
        for (var item : node) {
            if (item.isNull()) {
                throw new IllegalArgumentException("a list item is empty");
            }
            try {
                items.add(PodBinderBase.fromTree(item, reader, type, path + "[" + items.size() + "]", unknown));
            } catch (JsonProcessingException e) {
                throw TemplateContainerCheck.binding(TemplateContainerCheck.where(file, path, items.size(), item), e, item);
            }
        }
        return items;
    }

    private static List<Container> concat(List<Container> a, List<Container> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
