package dev.sidecarinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The config-reloader template's defaults. */
@ConfigMapping(prefix = "injector.config-reloader")
public interface ConfigReloaderConfig {

    /** configmap-reload image; per pod: sidecarinjector.dev/config-reloader-image. */
    @WithDefault("ghcr.io/jimmidyson/configmap-reload:v0.15.0")
    String image();
}
