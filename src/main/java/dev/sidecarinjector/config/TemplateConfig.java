package dev.sidecarinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where the sidecar templates come from. */
@ConfigMapping(prefix = "injector.templates")
public interface TemplateConfig {

    /** A directory whose sidecar-*.yaml files replace the built-in ones (a mounted ConfigMap in the chart); watched for changes. */
    Optional<Path> directory();

    /** How often the directory is checked for changed templates. */
    @WithDefault("5s")
    Duration reloadPeriod();
}
