package dev.sidecarinjector.inject;

/** The named templates' defaults from configuration, each validated like the annotation that overrides it. */
public record TemplateSettings(LogShipper logShipper) {

    /** {@code injector.log-shipper.*}. */
    public record LogShipper(String image, String logDirectory, String outputConfigMap, ProxyResources resources) {
    }
}
