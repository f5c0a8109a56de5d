package dev.sidecarinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The log-shipper template's defaults: a Fluent Bit sidecar tailing the app's log directory. Pods override them with annotations. */
@ConfigMapping(prefix = "injector.log-shipper")
public interface LogShipperConfig {

    /** Fluent Bit image; per pod: sidecarinjector.dev/log-shipper-image. */
    @WithDefault("cr.fluentbit.io/fluent/fluent-bit:4.2.2")
    String image();

    /** Directory the app writes its *.log files to, shared with the shipper; per pod: sidecarinjector.dev/log-directory. */
    @WithDefault("/var/log/app")
    String logDirectory();

    /** ConfigMap in the pod's namespace holding Fluent Bit's output configuration (key output.conf); per pod: sidecarinjector.dev/log-shipper-output. */
    @WithDefault("log-shipper-output")
    String outputConfigMap();

    /** CPU request; per pod: sidecarinjector.dev/log-shipper-cpu. */
    @WithDefault("50m")
    Optional<String> cpuRequest();

    /** Memory request; per pod: sidecarinjector.dev/log-shipper-memory. */
    @WithDefault("32Mi")
    Optional<String> memoryRequest();

    /** CPU limit, none by default; per pod: sidecarinjector.dev/log-shipper-cpu-limit. */
    Optional<String> cpuLimit();

    /** Memory limit; per pod: sidecarinjector.dev/log-shipper-memory-limit. */
    @WithDefault("128Mi")
    Optional<String> memoryLimit();
}
