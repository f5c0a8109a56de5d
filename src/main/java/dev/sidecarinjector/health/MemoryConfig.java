package dev.sidecarinjector.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** When readiness reports the JVM in memory trouble. */
@ConfigMapping(prefix = "injector.health.memory")
public interface MemoryConfig {

    /**
     * Readiness goes DOWN while the heap the last garbage collections left in use is at least this percentage of
     * the maximum heap, and comes back UP once a collection leaves less (1 to 100).
     */
    @WithDefault("90")
    int heapAfterGcPercent();
}
