package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.text.ShownValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The names of injection templates: the built-in ones, and the pod's choice read from Istio's
 * {@code inject.istio.io/templates} (comma-separated, applied in order; {@code sidecar} when absent).
 */
public final class TemplateNames {

    public static final String SIDECAR = "sidecar";
    public static final String LOG_SHIPPER = "log-shipper";
    public static final String VAULT_AGENT = "vault-agent";
    public static final String CONFIG_RELOADER = "config-reloader";
    /** The templates a pod gets when it names none, as Istio's {@code defaultTemplates}. */
    public static final List<String> DEFAULT = List.of(SIDECAR);

    private TemplateNames() {
    }

    /** True when {@code name} can name a template: a DNS label, since it also starts a file name and container and volume names. */
    public static boolean valid(String name) {
        return KubernetesNames.isLabel(name, false);
    }

    /**
     * The templates the annotation asks for, in order, or {@link #DEFAULT}. A blank item, a name that cannot be a
     * template's or a name given twice is refused naming the annotation; whether each name exists is checked when
     * the templates are applied, against the set in force.
     */
    public static List<String> requested(Map<String, String> annotations) {
        var value = annotations.get(Annotations.TEMPLATES);
        if (value == null) {
            return DEFAULT;
        }
        var names = new LinkedHashSet<String>();
        for (var item : value.split(",", -1)) {
            var name = item.strip();
            if (name.isEmpty()) {
                throw new InvalidValueException(Annotations.TEMPLATES, value, "has an empty template name (expected names separated by commas, e.g. \"sidecar,log-shipper\")");
            }
            if (!valid(name)) {
                throw new InvalidValueException(Annotations.TEMPLATES, value, "names " + ShownValue.of(name, "\"") + ", which cannot be a template name (lowercase letters, digits and '-')");
            }
            if (!names.add(name)) {
                throw new InvalidValueException(Annotations.TEMPLATES, value, "names the template " + name + " twice");
            }
        }
        return new ArrayList<>(names);
    }
}
