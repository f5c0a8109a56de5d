package dev.sidecarinjector.inject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a template's rendered requests and limits came from, for a message about one of them: the pod's annotation
 * or the injector's setting of the built-in templates' resource values, or, when the template rendered another value
 * (a replaced template, config-reloader's fixed ones), the template itself. Read only when a message needs it.
 */
record InjectedResources(String template, Map<String, String> annotations, InjectionSettings settings) {

    /** The rendered keys the built-in templates take from an annotation or a setting. */
    private static final Set<String> KEYS = Set.of("requests.cpu", "requests.memory", "limits.cpu", "limits.memory");

    /** Where the rendered {@code key} ({@code limits.memory}) with the value {@code rendered} came from. */
    String source(String key, String rendered) {
        var itself = "the " + template + " template";
        if (!KEYS.contains(key)) {
            return itself;
        }
        var setting = pick(key, "cpu-request", "memory-request", "cpu-limit", "memory-limit");
        var known = switch (template) {
            case TemplateNames.SIDECAR -> proxy(key, setting, rendered);
            case TemplateNames.LOG_SHIPPER -> perAnnotation(LogShipperValues.read(annotations, settings.templates().logShipper()).resources(), key, rendered,
                    pick(key, Annotations.LOG_SHIPPER_CPU, Annotations.LOG_SHIPPER_MEMORY, Annotations.LOG_SHIPPER_CPU_LIMIT, Annotations.LOG_SHIPPER_MEMORY_LIMIT),
                    "injector.log-shipper." + setting);
            case TemplateNames.VAULT_AGENT -> perAnnotation(VaultAgentValues.read(annotations, settings.templates().vault()).resources(), key, rendered,
                    pick(key, VaultAnnotations.REQUESTS_CPU, VaultAnnotations.REQUESTS_MEM, VaultAnnotations.LIMITS_CPU, VaultAnnotations.LIMITS_MEM),
                    "injector.vault." + setting);
            default -> Optional.<String>empty();
        };
        return known.orElse(itself);
    }

    /** The proxy's four annotations replace the four settings as a whole ({@link PodOverrides#resources}). */
    private Optional<String> proxy(String key, String setting, String rendered) {
        if (!rendered.equals(value(PodOverrides.resources(annotations, settings), key))) {
            return Optional.empty();
        }
        return Optional.of(PodOverrides.annotatesResources(annotations)
                ? "the annotation " + pick(key, Annotations.PROXY_CPU, Annotations.PROXY_MEMORY, Annotations.PROXY_CPU_LIMIT, Annotations.PROXY_MEMORY_LIMIT)
                : "the setting injector.proxy." + setting);
    }

    private Optional<String> perAnnotation(ProxyResources values, String key, String rendered, String annotation, String setting) {
        if (!rendered.equals(value(values, key))) {
            return Optional.empty();
        }
        return Optional.of(annotations.containsKey(annotation) ? "the annotation " + annotation : "the setting " + setting);
    }

    /** The one of four that {@code key} (one of {@link #KEYS}) names: the CPU request, the memory request, the CPU limit, the memory limit. */
    private static <T> T pick(String key, T cpuRequest, T memoryRequest, T cpuLimit, T memoryLimit) {
        return switch (key) {
            case "requests.cpu" -> cpuRequest;
            case "requests.memory" -> memoryRequest;
            case "limits.cpu" -> cpuLimit;
            default -> memoryLimit;
        };
    }

    private static String value(ProxyResources resources, String key) {
        return pick(key, resources.cpuRequest(), resources.memoryRequest(), resources.cpuLimit(), resources.memoryLimit())
                .map(ResourceQuantity::text).orElse("");
    }
}
