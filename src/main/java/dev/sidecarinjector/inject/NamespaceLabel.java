package dev.sidecarinjector.inject;

/** The namespace label that opts a namespace in or out, {@code istio-injection=enabled|disabled} by default. */
public record NamespaceLabel(String key, String enabledValue, String disabledValue) {

    public static final NamespaceLabel ISTIO = new NamespaceLabel("istio-injection", "enabled", "disabled");
}
