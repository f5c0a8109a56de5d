package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sidecarinjector.api.text.ShownValue;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what a template renders as the API server checks those fields of a pod (names, ports, protocols, pull
 * policies, resource quantities), so that a pod is refused here naming the template, the container, the field and
 * the value, not by the API server with errors about containers its author never wrote. Each refusal is one line:
 * {@code template debug.yaml: container "debug": ports[0].containerPort: 99999 is not a port (1-65535)}.
 */
final class TemplateContainerCheck {

    private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final int PORT_NAME_MAX = 15;
    private static final String ENV_RULE = "(printable ASCII characters other than '=')";
    private static final String LABEL_RULE = "(a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)";

    private TemplateContainerCheck() {
    }

    /** How a refusal names a container of a template: {@code template debug.yaml: container "debug": }. */
    static String container(String file, String name) {
        return named(file, "container", name);
    }

    /** How a refusal names a named item of a template: {@code template debug.yaml: volume "cache": }. */
    private static String named(String file, String kind, String name) {
        return "template " + file + ": " + kind + " " + ShownValue.of(name, "\"") + ": ";
    }

    /** How a refusal names an item of a template's list with no usable name: {@code template debug.yaml: containers[0]: }. */
    static String item(String file, String list, int index) {
        return "template " + file + ": " + list + "[" + index + "]: ";
    }

    /** The prefix for the one container a file renders (the sidecar's proxy or init container), by its name when it has one. */
    static String where(String file, JsonNode container) {
        var name = container.path("name");
        return name.isTextual() ? container(file, name.textValue()) : "template " + file + ": ";
    }

    /** The prefix for an item of {@code list} ({@code containers}, {@code volumes}, ...), by its name when it has one. */
    static String where(String file, String list, int index, JsonNode item) {
        var name = item.path("name");
        if (!name.isTextual()) {
            return item(file, list, index);
        }
        return switch (list) {
            case TemplateFragment.CONTAINERS -> container(file, name.textValue());
            case TemplateFragment.INIT_CONTAINERS -> named(file, "init container", name.textValue());
            case TemplateFragment.VOLUMES -> named(file, "volume", name.textValue());
            default -> item(file, list, index);
        };
    }

    /**
     * A rendered item that does not bind to the model, said in Kubernetes' field names with the value and what was
     * expected ({@code securityContext.runAsUser: "root" is not an integer}), after {@code where}.
     */
    static TemplateException binding(String where, JsonProcessingException e, JsonNode item) {
        var field = BindingError.fieldPath(e).replaceFirst("^\\.", "");
        return new TemplateException(where + (field.isEmpty() ? "" : field + ": ") + BindingError.problem(e, item).strip(), e);
    }

    /** Every container and volume of a named template's fragment, and their names unique within it. */
    static void fragment(String file, TemplateFragment fragment) {
        var containers = new HashMap<String, String>();
        for (var container : fragment.initContainers()) {
            unique(file, containers, container.getName(), "init container", "a container");
            check(container(file, container.getName()), container);
        }
        for (var container : fragment.containers()) {
            unique(file, containers, container.getName(), "container", "a container");
            check(container(file, container.getName()), container);
        }
        var volumes = new HashMap<String, String>();
        for (Volume volume : fragment.volumes()) {
            label(named(file, "volume", volume.getName()), "name", volume.getName(), "volume");
            unique(file, volumes, volume.getName(), "volume", "a volume");
        }
    }

    private static void unique(String file, Map<String, String> seen, String name, String kind, String what) {
        var earlier = seen.putIfAbsent(name, kind);
        if (earlier != null) {
            throw new TemplateException("template " + file + ": " + kind + " " + ShownValue.of(name, "\"") + ": name: " + ShownValue.of(name, "\"")
                    + " is the name of " + what + " the template renders before it (" + earlier + "): the names in a pod must be unique");
        }
    }

    /** One rendered container, as the API server checks its name, image, environment, ports, pull policy and resources. */
    static void check(String where, Container container) {
        label(where, "name", container.getName(), "container");
        image(where, container.getImage());
        envNames(where, container.getEnv());
        mountPaths(where, container.getVolumeMounts());
        var policy = container.getImagePullPolicy();
        if (policy != null && !PULL_POLICIES.contains(policy)) {
            throw refused(where, "imagePullPolicy", policy, "is not one of " + String.join(", ", PULL_POLICIES));
        }
        var ports = container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts();
        var named = new HashMap<String, Integer>();
        for (var i = 0; i < ports.size(); i++) {
            var port = ports.get(i);
            port(where, "ports[" + i + "]", port);
            var first = port.getName() == null ? null : named.putIfAbsent(port.getName(), i);
            if (first != null) {
                throw refused(where, "ports[" + i + "].name", port.getName(), "is the name of ports[" + first + "] too: a container's port names are unique");
            }
        }
        var resources = container.getResources();
        if (resources != null) {
            var limits = quantities(where, "resources.limits", resources.getLimits());
            var requests = quantities(where, "resources.requests", resources.getRequests());
            for (var request : requests.entrySet()) {
                var limit = limits.get(request.getKey());
                if (limit != null && request.getValue().compareTo(limit) > 0) {
                    throw refused(where, "resources.requests." + request.getKey(), request.getValue().text(), "is above the limit \""
                            + limit.text() + "\" (resources.limits." + request.getKey() + ")");
                }
            }
        }
    }

    /** The API server's checks of a pod container's image: there is one, with no white space around it. */
    private static void image(String where, String image) {
        if (image == null) {
            throw new TemplateException(where + "image: missing: Kubernetes runs no container without one");
        }
        if (image.isEmpty()) {
            throw refused(where, "image", image, "is empty: Kubernetes runs no container without an image");
        }
        if (!image.equals(image.strip())) {
            throw refused(where, "image", image, "starts or ends with white space, which the API server refuses");
        }
    }

    private static void envNames(String where, List<EnvVar> env) {
        for (var i = 0; env != null && i < env.size(); i++) {
            var name = env.get(i).getName();
            if (name == null || !isEnvName(name)) {
                throw refused(where, "env[" + i + "].name", name == null ? "" : name, "is not a valid environment variable name " + ENV_RULE);
            }
        }
    }

    /** Each mount has a path (two mounts at one path are {@link MountPaths}' to refuse, naming what put them there). */
    private static void mountPaths(String where, List<VolumeMount> mounts) {
        for (var i = 0; mounts != null && i < mounts.size(); i++) {
            var path = mounts.get(i).getMountPath();
            if (path == null || path.isEmpty()) {
                throw new TemplateException(where + "volumeMounts[" + i + "].mountPath: missing, which Kubernetes requires");
            }
        }
    }

    /** Kubernetes' relaxed rule (KEP 4369, on by default in recent releases; older clusters take fewer names): printable ASCII but '='. */
    private static boolean isEnvName(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c >= ' ' && c <= '~' && c != '=');
    }

    private static void label(String where, String field, String name, String kind) {
        if (name == null || !KubernetesNames.isLabel(name, false)) {
            throw refused(where, field, name == null ? "" : name, "is not a valid " + kind + " name " + LABEL_RULE);
        }
    }

    private static void port(String where, String field, ContainerPort port) {
        if (port.getContainerPort() == null) {
            throw new TemplateException(where + field + ": has no containerPort, which Kubernetes requires");
        }
        portNumber(where, field + ".containerPort", port.getContainerPort());
        if (port.getHostPort() != null && port.getHostPort() != 0) {
            portNumber(where, field + ".hostPort", port.getHostPort());
        }
        if (port.getProtocol() != null && !PROTOCOLS.contains(port.getProtocol())) {
            throw refused(where, field + ".protocol", port.getProtocol(), "is not one of " + String.join(", ", PROTOCOLS));
        }
        if (port.getName() != null && !isPortName(port.getName())) {
            throw refused(where, field + ".name", port.getName(), "is not a valid port name (an IANA service name: at most " + PORT_NAME_MAX
                    + " lowercase letters, digits and '-', with at least one letter, no '--', not starting or ending with '-')");
        }
    }

    private static void portNumber(String where, String field, int number) {
        if (number < 1 || number > 65535) {
            throw new TemplateException(where + field + ": " + number + " is not a port (1-65535)");
        }
    }

    /** Kubernetes' IANA_SVC_NAME. */
    private static boolean isPortName(String name) {
        return !name.isEmpty() && name.length() <= PORT_NAME_MAX && KubernetesNames.isLabel(name, false) && !name.contains("--")
                && name.chars().anyMatch(c -> c >= 'a' && c <= 'z');
    }

    /** Each quantity of {@code requests} or {@code limits}, parsed; an invalid one is refused naming it. */
    private static Map<String, ResourceQuantity> quantities(String where, String field, Map<String, Quantity> written) {
        var parsed = new HashMap<String, ResourceQuantity>();
        if (written == null) {
            return parsed;
        }
        for (var entry : written.entrySet()) {
            // Quantity's text is its amount and format, each when set.
            var text = entry.getValue() == null ? "" : entry.getValue().toString();
            try {
                parsed.put(entry.getKey(), ResourceQuantity.parse(field + "." + entry.getKey(), text));
            } catch (InvalidValueException e) {
                throw new TemplateException(where + e.getMessage(), e);
            }
        }
        return parsed;
    }

    private static TemplateException refused(String where, String field, String value, String problem) {
        return new TemplateException(where + field + ": " + ShownValue.of(value, "\"") + " " + problem);
    }

    /** A rendered container's mounts each name one of {@code volumes}: the pod's and those the applied templates add. */
    static void mounts(String where, Container container, Set<String> volumes) {
        mounts(where, "volumeMounts", container.getVolumeMounts(), volumes);
    }

    /** A template's {@code appVolumeMounts} each name one of {@code volumes}. */
    static void appMounts(String file, List<VolumeMount> mounts, Set<String> volumes) {
        mounts("template " + file + ": ", TemplateFragment.APP_VOLUME_MOUNTS, mounts, volumes);
    }

    private static void mounts(String where, String list, List<VolumeMount> mounts, Set<String> volumes) {
        if (mounts == null) {
            return;
        }
        for (var i = 0; i < mounts.size(); i++) {
            var name = mounts.get(i).getName();
            if (name == null || !volumes.contains(name)) {
                throw refused(where, list + "[" + i + "].name", name == null ? "" : name, "names no volume of the pod (spec.volumes) nor of the templates applied");
            }
        }
    }
}
