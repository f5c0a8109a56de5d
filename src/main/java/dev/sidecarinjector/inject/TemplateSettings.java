package dev.sidecarinjector.inject;

/** The named templates' defaults from configuration, each validated like the annotation that overrides it. */
public record TemplateSettings(LogShipper logShipper, VaultAgent vault, String configReloaderImage) {

    /** {@code injector.log-shipper.*}. */
    public record LogShipper(String image, String logDirectory, String outputConfigMap, ProxyResources resources) {
    }

    /** {@code injector.vault.*}. */
    public record VaultAgent(String address, String image, String authPath, ProxyResources resources) {
    }
}
