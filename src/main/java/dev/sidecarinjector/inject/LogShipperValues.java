package dev.sidecarinjector.inject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The log-shipper template's values for one pod: the configured defaults with the pod's
 * {@code sidecarinjector.dev/log-*} annotations applied, each validated, naming the annotation.
 */
record LogShipperValues(String logDirectory, String image, String outputConfigMap, ProxyResources resources) {

    static final String CONTAINER = "log-shipper";
    static final String LOG_VOLUME = "log-shipper-logs";
    static final String STATE_VOLUME = "log-shipper-state";
    static final String OUTPUT_VOLUME = "log-shipper-output";
    /** The key of the output ConfigMap Fluent Bit reads, classic format. */
    static final String OUTPUT_FILE = "output.conf";
    /** The setting whose value is the log directory of a pod without the annotation. */
    static final String LOG_DIRECTORY_SETTING = "injector.log-shipper.log-directory";

    static LogShipperValues read(Map<String, String> annotations, TemplateSettings.LogShipper defaults) {
        var resources = new ProxyResources(
                PodOverrides.quantity(annotations, Annotations.LOG_SHIPPER_CPU).or(() -> defaults.resources().cpuRequest()),
                PodOverrides.quantity(annotations, Annotations.LOG_SHIPPER_MEMORY).or(() -> defaults.resources().memoryRequest()),
                PodOverrides.quantity(annotations, Annotations.LOG_SHIPPER_CPU_LIMIT).or(() -> defaults.resources().cpuLimit()),
                PodOverrides.quantity(annotations, Annotations.LOG_SHIPPER_MEMORY_LIMIT).or(() -> defaults.resources().memoryLimit()))
                .checked(annotations, Annotations.LOG_SHIPPER_CPU, Annotations.LOG_SHIPPER_CPU_LIMIT, "cpu", "injector.log-shipper.")
                .checked(annotations, Annotations.LOG_SHIPPER_MEMORY, Annotations.LOG_SHIPPER_MEMORY_LIMIT, "memory", "injector.log-shipper.");
        return new LogShipperValues(
                PodOverrides.read(annotations, Annotations.LOG_DIRECTORY, v -> LogDirectory.parse(Annotations.LOG_DIRECTORY, v)).orElse(defaults.logDirectory()),
                PodOverrides.read(annotations, Annotations.LOG_SHIPPER_IMAGE, v -> ImageReference.parse(Annotations.LOG_SHIPPER_IMAGE, v)).orElse(defaults.image()),
                PodOverrides.read(annotations, Annotations.LOG_SHIPPER_OUTPUT, v -> KubernetesNames.subdomain(Annotations.LOG_SHIPPER_OUTPUT, v)).orElse(defaults.outputConfigMap()),
                resources);
    }

    /** Where the log directory came from: the pod's annotation, else the setting. */
    MountPaths.Source logDirectorySource(Map<String, String> annotations) {
        var annotated = annotations.get(Annotations.LOG_DIRECTORY);
        return annotated != null ? new MountPaths.Source(Annotations.LOG_DIRECTORY, annotated, LOG_VOLUME)
                : new MountPaths.Source(LOG_DIRECTORY_SETTING, logDirectory, LOG_VOLUME);
    }

    /** The variables {@code log-shipper.yaml} sees under {@code logShipper}; docs/templates.md lists them. */
    Map<String, Object> data() {
        var data = new LinkedHashMap<String, Object>();
        data.put("name", CONTAINER);
        data.put("image", image);
        data.put("logDirectory", logDirectory);
        // Fluent Bit takes its input as "-p path=...": one argument, which a template cannot assemble from a quoted scalar.
        data.put("tailPathProperty", "path=" + logDirectory + "/*.log");
        data.put("logVolume", LOG_VOLUME);
        data.put("stateVolume", STATE_VOLUME);
        data.put("outputVolume", OUTPUT_VOLUME);
        data.put("outputConfigMap", outputConfigMap);
        data.put("outputFile", OUTPUT_FILE);
        data.putAll(ResourceData.of(resources));
        return data;
    }
}
