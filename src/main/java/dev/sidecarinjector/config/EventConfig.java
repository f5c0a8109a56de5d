package dev.sidecarinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** Kubernetes Events about injections. */
@ConfigMapping(prefix = "injector.events")
public interface EventConfig {

    /** Record Injected and InjectionSkipped Events on the owning workload (needs a cluster; never on dryRun). */
    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean enabled();
}
