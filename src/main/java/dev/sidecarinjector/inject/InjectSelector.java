package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.text.ShownValue;
import dev.sidecarinjector.inject.InjectionWarning.Kind;
import java.util.Map;
import java.util.Optional;

/**
 * A pod's {@code sidecar.istio.io/inject}, read as Istio reads it: the label when the pod has it (the annotation is
 * then not looked at), else the annotation; {@code "true"} opts in, {@code "false"} out, and any other value is read
 * as unset (the never-inject selectors and the namespace decide), with a warning where Istio only logs one.
 * Refusing the pod instead would break manifests that Istio admits; the webhook's object selectors read the label
 * the same way.
 */
record InjectSelector(boolean fromLabel, String value) {

    static Optional<InjectSelector> of(Map<String, String> labels, Map<String, String> annotations) {
        var label = labels.get(Annotations.INJECT);
        if (label != null) {
            return Optional.of(new InjectSelector(true, label));
        }
        var annotation = annotations.get(Annotations.INJECT);
        return annotation == null ? Optional.empty() : Optional.of(new InjectSelector(false, annotation));
    }

    /** True or false when the value is Istio's {@code "true"} or {@code "false"}; empty when it is read as unset. */
    Optional<Boolean> opted() {
        return switch (value) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /** The warning for a value read as unset; empty for {@code "true"}, {@code "false"} and {@code ""} (Istio's unset, said plainly). */
    static Optional<InjectionWarning> warning(Map<String, String> labels, Map<String, String> annotations) {
        return of(labels, annotations)
                .filter(selector -> !selector.value.isEmpty() && selector.opted().isEmpty())
                .map(selector -> new InjectionWarning(Kind.IGNORED_VALUE, (selector.fromLabel ? "label " : "annotation ") + Annotations.INJECT + ": "
                        + ShownValue.of(selector.value, "\"") + " is neither \"true\" nor \"false\": read as unset, as Istio reads it (the never-inject selectors and the namespace decide)"));
    }
}
