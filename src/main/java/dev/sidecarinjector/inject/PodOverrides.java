package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a pod's override annotations once, validates every one, and returns the pod's {@link SidecarSpec}.
 * No later step looks at raw annotations again. The first invalid annotation is reported by name and value.
 */
public final class PodOverrides {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PodOverrides() {
    }

    public static SidecarSpec read(Map<String, String> annotations, InjectionSettings settings) {
        var defaults = settings.resources();
        var resources = new ProxyResources(
                quantity(annotations, Annotations.PROXY_CPU).or(defaults::cpuRequest),
                quantity(annotations, Annotations.PROXY_MEMORY).or(defaults::memoryRequest),
                quantity(annotations, Annotations.PROXY_CPU_LIMIT).or(defaults::cpuLimit),
                quantity(annotations, Annotations.PROXY_MEMORY_LIMIT).or(defaults::memoryLimit))
                .checked(Annotations.PROXY_CPU, Annotations.PROXY_CPU_LIMIT, "cpu")
                .checked(Annotations.PROXY_MEMORY, Annotations.PROXY_MEMORY_LIMIT, "memory");
        var global = settings.traffic();
        var traffic = new TrafficRules(
                read(annotations, Annotations.INCLUDE_INBOUND_PORTS, v -> PortList.parse(Annotations.INCLUDE_INBOUND_PORTS, v, true)).orElse(global.includeInboundPorts()),
                read(annotations, Annotations.EXCLUDE_INBOUND_PORTS, v -> PortList.parse(Annotations.EXCLUDE_INBOUND_PORTS, v, false)).orElse(global.excludeInboundPorts()),
                read(annotations, Annotations.EXCLUDE_OUTBOUND_PORTS, v -> PortList.parse(Annotations.EXCLUDE_OUTBOUND_PORTS, v, false)).orElse(global.excludeOutboundPorts()),
                read(annotations, Annotations.INCLUDE_OUTBOUND_IP_RANGES, v -> CidrList.parse(Annotations.INCLUDE_OUTBOUND_IP_RANGES, v, true)).orElse(global.includeOutboundCidrs()),
                read(annotations, Annotations.EXCLUDE_OUTBOUND_IP_RANGES, v -> CidrList.parse(Annotations.EXCLUDE_OUTBOUND_IP_RANGES, v, false)).orElse(global.excludeOutboundCidrs()));
        var image = read(annotations, Annotations.PROXY_IMAGE, v -> ImageReference.parse(Annotations.PROXY_IMAGE, v)).orElse(settings.proxyImage());
        var placement = read(annotations, Annotations.NATIVE_SIDECAR, v -> flag(Annotations.NATIVE_SIDECAR, v) ? Placement.NATIVE : Placement.CONTAINER)
                .orElse(settings.placement());
        var hold = read(annotations, Annotations.PROXY_CONFIG, PodOverrides::holdFromProxyConfig)
                .flatMap(Function.identity())
                .orElse(settings.holdApplicationUntilProxyStarts());
        return new SidecarSpec(image, resources, placement, hold, traffic);
    }

    /** Parses Istio's yes/no words; anything else is an error that names the field. */
    public static boolean flag(String field, String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "y", "on" -> true;
            case "false", "no", "n", "off" -> false;
            default -> throw new InvalidValueException(field, value, "is not a boolean (expected \"true\" or \"false\")");
        };
    }

    private static <T> Optional<T> read(Map<String, String> annotations, String name, Function<String, T> parser) {
        var value = annotations.get(name);
        return value == null ? Optional.empty() : Optional.of(parser.apply(value));
    }

    private static Optional<ResourceQuantity> quantity(Map<String, String> annotations, String name) {
        return read(annotations, name, v -> ResourceQuantity.parse(name, v));
    }

    private static Optional<Boolean> holdFromProxyConfig(String value) {
        JsonNode config;
        try {
            config = YAML.readTree(value);
        } catch (IOException e) {
            throw new InvalidValueException(Annotations.PROXY_CONFIG, value, "is not valid YAML or JSON");
        }
        if (config == null || config.isMissingNode() || config.isNull()) {
            return Optional.empty();
        }
        if (!config.isObject()) {
            throw new InvalidValueException(Annotations.PROXY_CONFIG, value, "is not a mapping of proxy settings");
        }
        var hold = config.get("holdApplicationUntilProxyStarts");
        if (hold == null) {
            return Optional.empty();
        }
        if (hold.isBoolean()) {
            return Optional.of(hold.booleanValue());
        }
        return Optional.of(flag(Annotations.PROXY_CONFIG + " holdApplicationUntilProxyStarts", hold.asText()));
    }
}
