package dev.sidecarinjector.admission;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the log is written ({@link LogFlushing}). */
@ConfigMapping(prefix = "injector.log")
public interface LogConfig {

    /** How long a logged line may wait in the handler's buffer before it is written; 0s writes every line at once. */
    @WithDefault("1s")
    Duration flushInterval();
}
