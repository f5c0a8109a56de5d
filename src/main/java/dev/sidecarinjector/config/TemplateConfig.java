package dev.sidecarinjector.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where the injection templates come from. */
@ConfigMapping(prefix = "injector.templates")
public interface TemplateConfig {

    /** A directory of templates, NAME.yaml, that replace the built-in ones by name or add to them (a mounted ConfigMap in the chart); watched for changes. */
    Optional<Path> directory();

    /** How often the directory is checked for changed templates. */
    @WithDefault("5s")
    Duration reloadPeriod();

    /** The cache of rendered sidecar containers, one entry per distinct template data (settings and overrides). */
    RenderCache renderCache();

    /** Bounds of the render cache, in estimated heap bytes: template data carries annotation values of any size. */
    interface RenderCache {

        /** The most the cache holds in all; the least recently used entries go first. */
        @WithDefault("8M")
        MemorySize maxBytes();

        /** The most one entry (its template data and rendered container) may weigh; a heavier one is rendered every time, never kept. */
        @WithDefault("64K")
        MemorySize maxEntryBytes();
    }
}
