package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sidecarinjector.api.text.ShownValue;
import dev.sidecarinjector.inject.InjectionWarning.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Warnings for the fields of {@code proxy.istio.io/config} that have no effect here: Istio's ProxyConfig has some forty,
 * this injector reads {@code holdApplicationUntilProxyStarts}. A field Istio knows is said to be unread; a name
 * ProxyConfig does not have (a typo) gets the closest field. Names are taken as protobuf JSON takes them, in their
 * JSON ({@code terminationDrainDuration}) or proto ({@code termination_drain_duration}) spelling.
 */
final class ProxyConfigCheck {

    /** The warnings of each annotation value seen lately: the value is parsed once, not on every pod that carries it. */
    private static final RenderCache SAID = new RenderCache(new RenderCacheLimits(1L << 20, 16L << 10));

    private ProxyConfigCheck() {
    }

    static List<InjectionWarning> warnings(Map<String, String> annotations) {
        var value = annotations.get(Annotations.PROXY_CONFIG);
        return value == null ? List.of() : SAID.get(List.of(value), () -> warnings(value));
    }

    private static List<InjectionWarning> warnings(String value) {
        JsonNode config;
        try {
            config = PodOverrides.proxyConfig(value);
        } catch (InvalidValueException e) {
            return List.of(); // the injection refuses it, saying why
        }
        if (config == null) {
            return List.of();
        }
        var unread = new ArrayList<String>();
        var warnings = new ArrayList<InjectionWarning>();
        for (var name : (Iterable<String>) config::fieldNames) {
            var field = jsonName(name);
            if (field.equals(PodOverrides.HOLD)) {
                continue;
            }
            if (IstioAnnotations.PROXY_CONFIG_FIELDS.contains(field)) {
                unread.add(name);
            } else {
                var closest = ClosestName.among(field, IstioAnnotations.PROXY_CONFIG_FIELDS).filter(c -> ClosestName.isLikelyIntent(field, c));
                warnings.add(new InjectionWarning(Kind.UNKNOWN_ANNOTATION, Annotations.PROXY_CONFIG + ": " + ShownValue.of(name, "")
                        + " is not a field of Istio's ProxyConfig" + closest.map(c -> " (did you mean " + c + "?)").orElse("") + ": it has no effect"));
            }
        }
        if (!unread.isEmpty()) {
            warnings.addFirst(new InjectionWarning(Kind.UNSUPPORTED_ANNOTATION, Annotations.PROXY_CONFIG + ": " + String.join(", ", unread)
                    + (unread.size() == 1 ? " is a field" : " are fields") + " of Istio's ProxyConfig that this injector does not read"
                    + " (it reads " + PodOverrides.HOLD + "): " + (unread.size() == 1 ? "it has" : "they have") + " no effect"));
        }
        return List.copyOf(warnings);
    }

    /** A ProxyConfig field's JSON name: {@code termination_drain_duration} is {@code terminationDrainDuration}. */
    static String jsonName(String name) {
        var out = new StringBuilder(name.length());
        var upper = false;
        for (var i = 0; i < name.length(); i++) {
            var c = name.charAt(i);
            if (c == '_' && i > 0) {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
