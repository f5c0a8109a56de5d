package dev.sidecarinjector.namespace;

import dev.sidecarinjector.inject.NamespaceLabel;
import java.util.List;
import java.util.Map;

/** The built-in namespace policy from configuration, for running without a cluster ({@code make run}). */
public final class StaticNamespaceLabels implements NamespaceLabels {

    private final NamespaceLabel label;
    private final List<String> enabled;
    private final List<String> disabled;
    /** The labels of a namespace in each list, made once. */
    private final Map<String, String> enabledLabels;
    private final Map<String, String> disabledLabels;

    public StaticNamespaceLabels(NamespaceLabel label, List<String> enabled, List<String> disabled) {
        this.label = label;
        this.enabled = List.copyOf(enabled);
        this.disabled = List.copyOf(disabled);
        this.enabledLabels = Map.of(label.key(), label.enabledValue());
        this.disabledLabels = Map.of(label.key(), label.disabledValue());
    }

    @Override
    public Map<String, String> labelsOf(String namespace) {
        if (disabled.contains(namespace)) {
            return disabledLabels;
        }
        if (enabled.contains(namespace)) {
            return enabledLabels;
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
