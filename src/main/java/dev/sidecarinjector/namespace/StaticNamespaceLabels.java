package dev.sidecarinjector.namespace;

import dev.sidecarinjector.inject.NamespaceLabel;
import java.util.List;
import java.util.Map;

/** The built-in namespace policy from configuration, for running without a cluster ({@code make run}). */
public final class StaticNamespaceLabels implements NamespaceLabels {

    private final NamespaceLabel label;
    private final List<String> enabled;
    private final List<String> disabled;

    public StaticNamespaceLabels(NamespaceLabel label, List<String> enabled, List<String> disabled) {
        this.label = label;
        this.enabled = List.copyOf(enabled);
        this.disabled = List.copyOf(disabled);
    }

    @Override
    public Map<String, String> labelsOf(String namespace) {
        if (disabled.contains(namespace)) {
            return Map.of(label.key(), label.disabledValue());
        }
        if (enabled.contains(namespace)) {
            return Map.of(label.key(), label.enabledValue());
        }
        return Map.of();
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public String describe() {
        return "static policy from configuration (no cluster): " + label.key() + "=" + label.enabledValue() + " in " + enabled
                + ", " + label.key() + "=" + label.disabledValue() + " in " + disabled;
    }
}
