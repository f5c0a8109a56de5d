package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a pod's override annotations once, validates every one, and returns the pod's {@link SidecarSpec}.
 * No later step looks at raw annotations again. The first invalid annotation is reported by name and value.
 */
public final class PodOverrides {

    /** Reads annotation and setting values written in YAML (or JSON). */
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /**
     * The replicas of a workload carry the same {@code proxy.istio.io/config}, so each distinct value is parsed (twice:
     * repeated keys, then the tree) once; a refused value is not kept and is refused again, naming the problem.
     */
    private static final RenderCache PROXY_CONFIGS = new RenderCache(new RenderCacheLimits(1L << 20, 16L << 10));
    static final String HOLD = "holdApplicationUntilProxyStarts";
    static final String HOLD_PROTO_NAME = "hold_application_until_proxy_starts";

    private PodOverrides() {
    }

    /** A pod's annotations (a copy), the settings, and the spec read from them. */
    private record Read(Map<String, String> annotations, InjectionSettings settings, SidecarSpec spec) {
    }

    /** The last spec read: most pods carry the annotations the pod before carried (a Deployment's replicas). */
    private static volatile Read last;

    /**
     * The proxy's spec from the pod's annotations over {@code settings}; an invalid value throws
     * {@link InvalidValueException} naming the annotation. The same annotations under the same settings (compared by
     * identity) as the last pod's give the last spec again, without parsing them; one pod's annotations are held.
     */
    public static SidecarSpec read(Map<String, String> annotations, InjectionSettings settings) {
        var seen = last;
        if (seen != null && seen.settings() == settings && seen.annotations().equals(annotations)) {
            return seen.spec();
        }
        var spec = parse(annotations, settings);
        last = new Read(new HashMap<>(annotations), settings, spec);
        return spec;
    }

    private static SidecarSpec parse(Map<String, String> annotations, InjectionSettings settings) {
        var resources = resources(annotations, settings);
        var global = settings.traffic();
        var traffic = new TrafficRules(
                read(annotations, Annotations.INCLUDE_INBOUND_PORTS, v -> TrafficValues.ports(Annotations.INCLUDE_INBOUND_PORTS, v, true)).orElse(global.includeInboundPorts()),
                read(annotations, Annotations.EXCLUDE_INBOUND_PORTS, v -> TrafficValues.ports(Annotations.EXCLUDE_INBOUND_PORTS, v, false)).orElse(global.excludeInboundPorts()),
                read(annotations, Annotations.EXCLUDE_OUTBOUND_PORTS, v -> TrafficValues.ports(Annotations.EXCLUDE_OUTBOUND_PORTS, v, false)).orElse(global.excludeOutboundPorts()),
                read(annotations, Annotations.INCLUDE_OUTBOUND_IP_RANGES, v -> TrafficValues.cidrs(Annotations.INCLUDE_OUTBOUND_IP_RANGES, v, true)).orElse(global.includeOutboundCidrs()),
                read(annotations, Annotations.EXCLUDE_OUTBOUND_IP_RANGES, v -> TrafficValues.cidrs(Annotations.EXCLUDE_OUTBOUND_IP_RANGES, v, false)).orElse(global.excludeOutboundCidrs()));
        var image = read(annotations, Annotations.PROXY_IMAGE, v -> ImageReference.parse(Annotations.PROXY_IMAGE, v)).orElse(settings.proxyImage());
        var placement = placement(annotations, settings);
        var hold = read(annotations, Annotations.PROXY_CONFIG, value -> PROXY_CONFIGS.get(List.of(value), () -> holdFromProxyConfig(value)))
                .flatMap(Function.identity())
                .orElse(settings.holdApplicationUntilProxyStarts());
        // Istio ignores a value strconv.ParseBool refuses and keeps the global setting; refused here, naming it.
        var rewrite = read(annotations, Annotations.REWRITE_APP_PROBERS, v -> GoBoolean.parse(v).orElseThrow(() -> new InvalidValueException(
                Annotations.REWRITE_APP_PROBERS, v, "is not a boolean (expected \"true\" or \"false\", as Istio reads it)")))
                .orElse(settings.rewriteAppProbes());
        var statusPort = read(annotations, Annotations.STATUS_PORT, v -> StatusPort.parse(v, settings.ports())).orElse(settings.ports().status());
        var interception = read(annotations, Annotations.INTERCEPTION_MODE, PodOverrides::interception).orElse(settings.interception());
        return new SidecarSpec(image, resources, placement, hold, traffic, settings.proxyUid(), settings.proxyGid(), rewrite,
                ProxyReadiness.of(annotations), statusPort, interception);
    }

    /**
     * The proxy's resources as Istio's injection template sets them: the settings, unless the pod sets one of the four
     * annotations; then those replace the settings as a whole (requests only from {@code proxyCPU} and
     * {@code proxyMemory}, limits only from the two {@code *Limit}), so {@code proxyMemory: 256Mi} alone is a
     * 256Mi request and no limit, not a request above the configured limit.
     */
    static ProxyResources resources(Map<String, String> annotations, InjectionSettings settings) {
        if (!annotatesResources(annotations)) {
            return settings.resources();
        }
        return new ProxyResources(
                quantity(annotations, Annotations.PROXY_CPU),
                quantity(annotations, Annotations.PROXY_MEMORY),
                quantity(annotations, Annotations.PROXY_CPU_LIMIT),
                quantity(annotations, Annotations.PROXY_MEMORY_LIMIT))
                .checked(Annotations.PROXY_CPU, Annotations.PROXY_CPU_LIMIT, "cpu")
                .checked(Annotations.PROXY_MEMORY, Annotations.PROXY_MEMORY_LIMIT, "memory");
    }

    /** True when the pod sets one of the proxy's resource annotations, which then replace the settings' resources. */
    static boolean annotatesResources(Map<String, String> annotations) {
        return annotations.containsKey(Annotations.PROXY_CPU) || annotations.containsKey(Annotations.PROXY_MEMORY)
                || annotations.containsKey(Annotations.PROXY_CPU_LIMIT) || annotations.containsKey(Annotations.PROXY_MEMORY_LIMIT);
    }

    /**
     * The pod's placement, {@code sidecar.istio.io/nativeSidecar} over the setting: the proxy's, and every template's
     * long-running containers' (native sidecars too), so that it is read with or without the {@code sidecar} template.
     */
    static Placement placement(Map<String, String> annotations, InjectionSettings settings) {
        return read(annotations, Annotations.NATIVE_SIDECAR, v -> flag(Annotations.NATIVE_SIDECAR, v) ? Placement.NATIVE : Placement.CONTAINER)
                .orElse(settings.placement());
    }

    /**
     * Istio's interception modes, spelt as Istio's validation takes them: {@code REDIRECT} is the iptables init
     * container, {@code NONE} none; {@code TPROXY}, which this proxy does not do, is intercepted with REDIRECT
     * ({@link #interceptionWarning}).
     */
    static Interception interception(String value) {
        return switch (value) {
            case "REDIRECT", "TPROXY" -> Interception.IPTABLES;
            case "NONE" -> Interception.NONE;
            default -> throw new InvalidValueException(Annotations.INTERCEPTION_MODE, value, "is not one of REDIRECT, TPROXY, NONE (Istio's modes)");
        };
    }

    /** The warning for a pod asking for TPROXY, which is intercepted with REDIRECT here; none for any other pod. */
    static Optional<InjectionWarning> interceptionWarning(Map<String, String> annotations) {
        return "TPROXY".equals(annotations.get(Annotations.INTERCEPTION_MODE))
                ? Optional.of(new InjectionWarning(InjectionWarning.Kind.UNSUPPORTED_ANNOTATION, "annotation " + Annotations.INTERCEPTION_MODE
                        + ": \"TPROXY\" is not supported by this proxy: the pod's traffic is intercepted with REDIRECT, so the app sees "
                        + "connections from the proxy (127.0.0.6), not from the client's address"))
                : Optional.empty();
    }

    /**
     * {@code value} as an unsigned decimal number of at most ten digits and at most {@code max} (leading zeros allowed,
     * as Go's {@code strconv.ParseUint} reads Istio's numeric annotations); -1 when it is not one.
     */
    static long unsigned(String value, long max) {
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        var number = Long.parseLong(value);
        return number <= max ? number : -1;
    }

    /** Parses Istio's yes/no words; anything else is an error that names the field. */
    public static boolean flag(String field, String value) {
        return yesOrNo(value).orElseThrow(() -> new InvalidValueException(field, value, "is not a boolean (expected \"true\" or \"false\")"));
    }

    private static Optional<Boolean> yesOrNo(String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "y", "on" -> Optional.of(true);
            case "false", "no", "n", "off" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    static <T> Optional<T> read(Map<String, String> annotations, String name, Function<String, T> parser) {
        var value = annotations.get(name);
        return value == null ? Optional.empty() : Optional.of(parser.apply(value));
    }

    static Optional<ResourceQuantity> quantity(Map<String, String> annotations, String name) {
        return read(annotations, name, v -> ResourceQuantity.parse(name, v));
    }

    /** The annotation's ProxyConfig as a tree: null when it is empty or null; an error names what is wrong with it. */
    static JsonNode proxyConfig(String value) {
        JsonNode config;
        try {
            refuseRepeatedKeys(value);
            config = YAML.readTree(value);
        } catch (IOException e) {
            throw new InvalidValueException(Annotations.PROXY_CONFIG, value, "is not valid YAML or JSON");
        }
        if (config == null || config.isMissingNode() || config.isNull()) {
            return null;
        }
        if (!config.isObject()) {
            throw new InvalidValueException(Annotations.PROXY_CONFIG, value, "is not a mapping of proxy settings");
        }
        return config;
    }

    private static Optional<Boolean> holdFromProxyConfig(String value) {
        var config = proxyConfig(value);
        if (config == null) {
            return Optional.empty();
        }
        // Istio reads the annotation as protobuf JSON, which takes a field's proto name as well as its JSON name.
        if (config.has(HOLD) && config.has(HOLD_PROTO_NAME)) {
            throw new InvalidValueException(Annotations.PROXY_CONFIG, value, "sets " + HOLD + " twice (also as " + HOLD_PROTO_NAME + ")");
        }
        var hold = config.has(HOLD) ? config.get(HOLD) : config.get(HOLD_PROTO_NAME);
        // As in Istio's ProxyConfig (protobuf JSON), an explicit null leaves the setting unset.
        if (hold == null || hold.isNull()) {
            return Optional.empty();
        }
        if (hold.isBoolean()) {
            return Optional.of(hold.booleanValue());
        }
        var word = hold.isTextual() ? yesOrNo(hold.textValue()) : Optional.<Boolean>empty();
        if (word.isEmpty()) {
            throw InvalidValueException.written(Annotations.PROXY_CONFIG + ": " + HOLD, hold.toString(), "is not a boolean (expected true or false)");
        }
        return word;
    }

    /**
     * Istio (sigs.k8s.io/yaml) refuses a mapping that repeats a key; Jackson would silently keep the last one,
     * so the pod would get a setting its author may not have meant. Checked at every level, naming the key.
     */
    private static void refuseRepeatedKeys(String value) throws IOException {
        try (var parser = YAML.getFactory().createParser(value)) {
            var seen = new ArrayDeque<Set<String>>();
            for (var token = parser.nextToken(); token != null; token = parser.nextToken()) {
                switch (token) {
                    case START_OBJECT -> seen.push(new HashSet<>());
                    case END_OBJECT -> seen.pop();
                    case FIELD_NAME -> {
                        if (!seen.element().add(parser.currentName())) {
                            throw new InvalidValueException(Annotations.PROXY_CONFIG, value, "has the key " + path(parser.getParsingContext()) + " twice");
                        }
                    }
                    default -> {
                    }
                }
            }
        }
    }

    /** {@code a.b[2].c}: where a key is, for a person reading the YAML. */
    private static String path(JsonStreamContext context) {
        var path = "";
        for (var level = context; level != null && !level.inRoot(); level = level.getParent()) {
            var step = level.inObject() ? level.getCurrentName() : "[" + level.getCurrentIndex() + "]";
            path = step + (path.isEmpty() || path.startsWith("[") ? "" : ".") + path;
        }
        return path;
    }
}
