package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.text.ShownValue;
import dev.sidecarinjector.inject.InjectionWarning.Kind;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Warns about a pod's annotations under Istio's prefixes ({@code sidecar.istio.io/}, {@code traffic.sidecar.istio.io/},
 * {@code proxy.istio.io/}, {@code inject.istio.io/}, {@code status.sidecar.istio.io/},
 * {@code readiness.status.sidecar.istio.io/}) and this project's ({@code sidecarinjector.dev/}): one nobody
 * defines (a typo, most likely: named with the closest known name), one of Istio's this injector does not read, one
 * Istio deprecated (named with its replacement). Pure; the work is bounded whatever the pod holds.
 */
public final class AnnotationCheck {

    static final List<String> PREFIXES = List.of("sidecar.istio.io/", "traffic.sidecar.istio.io/", "proxy.istio.io/",
            "inject.istio.io/", "status.sidecar.istio.io/", "readiness.status.sidecar.istio.io/", "sidecarinjector.dev/");
    private static final String PROXY_CONFIG_HOLD = "holdApplicationUntilProxyStarts";
    private static final java.util.regex.Pattern SIMPLE_VALUE = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,32}");

    /** The names this injector reads: the constants of {@link Annotations} under the prefixes. */
    static final Set<String> READ = stringConstants(Annotations.class).filter(AnnotationCheck::checked).collect(Collectors.toUnmodifiableSet());
    /** What a typo is compared with: every name that means something under the prefixes (deprecated ones have replacements). */
    static final Set<String> KNOWN = Stream.concat(READ.stream(), IstioAnnotations.NOT_READ.stream()).collect(Collectors.toUnmodifiableSet());

    private AnnotationCheck() {
    }

    public static List<InjectionWarning> warnings(Map<String, String> annotations, Map<String, String> labels) {
        var warnings = new ArrayList<InjectionWarning>();
        var unknown = new CappedWarnings(Kind.UNKNOWN_ANNOTATION, "unknown annotations under these prefixes");
        var names = new ArrayList<String>();
        for (var name : annotations.keySet()) {
            if (checked(name)) {
                names.add(name);
            }
        }
        names.sort(null);
        for (var name : names) {
            var shown = ShownValue.of(name, "");
            var replacement = IstioAnnotations.DEPRECATED.get(name);
            if (replacement != null) {
                // As istioctl analyze: the annotation beside the label that replaces it is kept on purpose (older injectors).
                if (!(name.equals(Annotations.INJECT) && labels.containsKey(Annotations.INJECT))) {
                    warnings.add(new InjectionWarning(Kind.DEPRECATED_ANNOTATION, "annotation " + shown + " is deprecated by Istio: use " + replacement
                            + (READ.contains(name) ? "" : " (neither has an effect with this injector)")));
                }
            } else if (IstioAnnotations.NOT_READ.contains(name)) {
                warnings.add(new InjectionWarning(Kind.UNSUPPORTED_ANNOTATION, "annotation " + shown + " is Istio's, but this injector does not read it: it has no effect"));
            } else if (!READ.contains(name)) {
                unknown.add(warnings, () -> unknown(name, annotations.get(name)));
            }
        }
        unknown.addRest(warnings);
        return warnings;
    }

    /** The warning for an annotation nobody defines: a ProxyConfig field written as an annotation, else the closest known name. */
    private static InjectionWarning unknown(String name, String value) {
        var shown = ShownValue.of(name, "");
        var field = proxyConfigField(name);
        if (field != null) {
            return new InjectionWarning(Kind.UNKNOWN_ANNOTATION, "unknown annotation " + shown + ": " + field
                    + " is a field of Istio's ProxyConfig, not an annotation; set it in " + Annotations.PROXY_CONFIG + ", e.g. "
                    + Annotations.PROXY_CONFIG + ": \"" + field + ": " + example(value) + "\""
                    + (field.equals(PROXY_CONFIG_HOLD) ? "" : " (this injector reads only " + PROXY_CONFIG_HOLD + " there)"));
        }
        var closest = ClosestName.among(name, KNOWN).orElseThrow();
        return new InjectionWarning(Kind.UNKNOWN_ANNOTATION, "unknown annotation " + shown
                + (ClosestName.isLikelyIntent(name, closest) ? ": did you mean " + closest + "?" : " (closest known name: " + closest + ")"));
    }

    /** The ProxyConfig field (Istio's spelling) an annotation under sidecar.istio.io/ or proxy.istio.io/ is named after, else null. */
    private static String proxyConfigField(String name) {
        var slash = name.indexOf('/');
        var prefix = name.substring(0, slash + 1);
        if (!prefix.equals("sidecar.istio.io/") && !prefix.equals("proxy.istio.io/")) {
            return null;
        }
        var rest = name.substring(slash + 1);
        return IstioAnnotations.PROXY_CONFIG_FIELDS.stream().filter(field -> field.equalsIgnoreCase(rest)).findFirst().orElse(null);
    }

    /** The annotation's value in the example when it is a plain word, else a placeholder. */
    private static String example(String value) {
        return value != null && SIMPLE_VALUE.matcher(value).matches() ? value : "...";
    }

    private static boolean checked(String name) {
        for (var prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The values of the public static String constants of {@code names} (a class of annotation names). */
    static Stream<String> stringConstants(Class<?> names) {
        return Arrays.stream(names.getFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
                .map(field -> {
                    try {
                        return (String) field.get(null);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(names.getSimpleName() + "." + field.getName() + " is not readable", e);
                    }
                });
    }
}
