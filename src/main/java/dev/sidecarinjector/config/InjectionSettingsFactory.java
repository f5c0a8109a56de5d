package dev.sidecarinjector.config;

import dev.sidecarinjector.api.net.DrainPeriod;
import dev.sidecarinjector.inject.ControlPlaneAddress;
import dev.sidecarinjector.inject.ImageReference;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.InvalidValueException;
import dev.sidecarinjector.inject.KubernetesNames;
import dev.sidecarinjector.inject.LogDirectory;
import dev.sidecarinjector.inject.MeshSettings;
import dev.sidecarinjector.inject.NamespaceLabel;
import dev.sidecarinjector.inject.PodSecurityMode;
import dev.sidecarinjector.inject.PodSelector;
import dev.sidecarinjector.inject.ProxyPorts;
import dev.sidecarinjector.inject.ProxyResources;
import dev.sidecarinjector.inject.ResourceQuantity;
import dev.sidecarinjector.inject.TemplateSettings;
import dev.sidecarinjector.inject.TrafficRules;
import dev.sidecarinjector.inject.TrafficValues;
import dev.sidecarinjector.inject.VaultAgentValues;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the configuration mappings into the core's {@link InjectionSettings}, validating every value with the
 * same parsers as the pod annotations, so a bad property is named just like a bad annotation.
 */
public final class InjectionSettingsFactory {

    private static final String PROXY = "injector.proxy.";
    private static final String INTERCEPTION = "injector.interception.";
    private static final String MESH = "injector.mesh.";
    private static final String LOG_SHIPPER = "injector.log-shipper.";
    private static final String VAULT = "injector.vault.";

    private InjectionSettingsFactory() {
    }

    public static InjectionSettings from(NamespaceConfig namespaces, ProxyConfig proxy, InterceptionConfig interception, MeshConfig mesh,
                                         LogShipperConfig logShipper, VaultAgentConfig vault, ConfigReloaderConfig reloader,
                                         PodSecurityConfig podSecurity) {
        var ports = new ProxyPorts(
                port(PROXY + "inbound-port", proxy.inboundPort()),
                port(PROXY + "outbound-port", proxy.outboundPort()),
                port(PROXY + "health-port", proxy.healthPort()),
                port(PROXY + "metrics-port", proxy.metricsPort()),
                port(PROXY + "status-port", proxy.statusPort()));
        var resources = resources(PROXY, proxy.cpuRequest(), proxy.memoryRequest(), proxy.cpuLimit(), proxy.memoryLimit());
        var traffic = new TrafficRules(
                TrafficValues.ports(INTERCEPTION + "include-inbound-ports", interception.includeInboundPorts(), true),
                TrafficValues.ports(INTERCEPTION + "exclude-inbound-ports", interception.excludeInboundPorts().orElse(""), false),
                TrafficValues.ports(INTERCEPTION + "exclude-outbound-ports", interception.excludeOutboundPorts().orElse(""), false),
                TrafficValues.cidrs(INTERCEPTION + "include-outbound-cidrs", interception.includeOutboundCidrs(), true),
                TrafficValues.cidrs(INTERCEPTION + "exclude-outbound-cidrs", interception.excludeOutboundCidrs().orElse(""), false));
        if (proxy.drainSeconds() < 0 || proxy.drainSeconds() > DrainPeriod.MAX_SECONDS) {
            throw new InvalidValueException(PROXY + "drain-seconds", Integer.toString(proxy.drainSeconds()),
                    "is not a number of seconds from 0 to " + DrainPeriod.MAX_SECONDS + " (the proxy's bound)");
        }
        return new InjectionSettings(
                new NamespaceLabel(namespaces.labelKey(), namespaces.enabledValue(), namespaces.disabledValue()),
                new HashSet<>(namespaces.ignored().orElse(List.of())),
                PodSelector.parseList("injector.namespaces.never-inject-selector", namespaces.neverInjectSelector().orElse("")),
                ImageReference.parse(PROXY + "image", proxy.image()),
                proxy.imagePullPolicy(),
                proxy.placement(),
                proxy.holdApplicationUntilProxyStarts(),
                proxy.rewriteAppProbes(),
                resources,
                id(PROXY + "uid", proxy.uid()),
                id(PROXY + "gid", proxy.gid()),
                ports,
                interception.mode(),
                traffic,
                proxy.drainSeconds(),
                new MeshSettings(mesh.controlPlaneAddress().map(String::strip).filter(address -> !address.isEmpty())
                        .map(address -> ControlPlaneAddress.parse(MESH + "control-plane-address", address))),
                templates(logShipper, vault, reloader),
                PodSecurityMode.parse("injector.pod-security.mode", podSecurity.mode()));
    }

    /** The named templates' defaults, checked with the parsers of the annotations that override them. */
    private static TemplateSettings templates(LogShipperConfig logShipper, VaultAgentConfig vault, ConfigReloaderConfig reloader) {
        var shipper = new TemplateSettings.LogShipper(
                ImageReference.parse(LOG_SHIPPER + "image", logShipper.image()),
                LogDirectory.parse(LOG_SHIPPER + "log-directory", logShipper.logDirectory()),
                KubernetesNames.subdomain(LOG_SHIPPER + "output-config-map", logShipper.outputConfigMap()),
                resources(LOG_SHIPPER, logShipper.cpuRequest(), logShipper.memoryRequest(), logShipper.cpuLimit(), logShipper.memoryLimit()));
        var agent = new TemplateSettings.VaultAgent(
                VaultAgentValues.address(VAULT + "address", vault.address()),
                ImageReference.parse(VAULT + "image", vault.image()),
                VaultAgentValues.authPath(VAULT + "auth-path", vault.authPath()),
                resources(VAULT, vault.cpuRequest(), vault.memoryRequest(), vault.cpuLimit(), vault.memoryLimit()));
        return new TemplateSettings(shipper, agent, ImageReference.parse("injector.config-reloader.image", reloader.image()));
    }

    private static ProxyResources resources(String prefix, Optional<String> cpuRequest, Optional<String> memoryRequest,
                                            Optional<String> cpuLimit, Optional<String> memoryLimit) {
        return new ProxyResources(
                quantity(prefix + "cpu-request", cpuRequest),
                quantity(prefix + "memory-request", memoryRequest),
                quantity(prefix + "cpu-limit", cpuLimit),
                quantity(prefix + "memory-limit", memoryLimit))
                .checked(prefix + "cpu-request", prefix + "cpu-limit", "cpu")
                .checked(prefix + "memory-request", prefix + "memory-limit", "memory");
    }

    /** The configuration mappings the injection's settings are made of ({@link #from(SmallRyeConfig)}). */
    static final List<Class<?>> INJECTION_MAPPINGS = List.of(NamespaceConfig.class, ProxyConfig.class, InterceptionConfig.class,
            MeshConfig.class, LogShipperConfig.class, VaultAgentConfig.class, ConfigReloaderConfig.class, PodSecurityConfig.class);

    /**
     * Reads the settings outside Quarkus (kube-inject): built-in defaults, then the optional properties file,
     * then system properties and environment, exactly as the webhook resolves them.
     */
    public static SmallRyeConfig standaloneConfig(Optional<Path> propertiesFile) throws IOException {
        return standaloneConfig(propertiesFile, Map.of());
    }

    /** As {@link #standaloneConfig(Optional)}, with {@code overrides} taking precedence over everything else. */
    public static SmallRyeConfig standaloneConfig(Optional<Path> propertiesFile, Map<String, String> overrides) throws IOException {
        var builder = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(overrides, "overrides", 1000))
                .addDefaultSources()
                // Durations read as the webhook reads them ("500ms", not only ISO-8601 "PT0.5S").
                .withConverter(Duration.class, 200, new DurationConverter())
                // Sizes too ("16M"): injector.mesh.directory-max-file-size.
                .withConverter(MemorySize.class, 200, new MemorySizeConverter());
        INJECTION_MAPPINGS.forEach(builder::withMapping);
        if (propertiesFile.isPresent()) {
            URL url = propertiesFile.get().toUri().toURL();
            builder.withSources(new PropertiesConfigSource(url, 500));
        }
        try {
            return builder.build();
        } catch (ConfigValidationException e) {
            throw ConfigProblems.describe(e, builder.getMappingsBuilder().getMappings());
        }
    }

    public static InjectionSettings from(SmallRyeConfig config) {
        return from(config.getConfigMapping(NamespaceConfig.class), config.getConfigMapping(ProxyConfig.class),
                config.getConfigMapping(InterceptionConfig.class), config.getConfigMapping(MeshConfig.class),
                config.getConfigMapping(LogShipperConfig.class), config.getConfigMapping(VaultAgentConfig.class),
                config.getConfigMapping(ConfigReloaderConfig.class), config.getConfigMapping(PodSecurityConfig.class));
    }

    private static int port(String field, int value) {
        return TrafficValues.port(field, Integer.toString(value));
    }

    private static long id(String field, long value) {
        if (value < 0 || value > 0xFFFFFFFEL) {
            throw new InvalidValueException(field, Long.toString(value), "is not a valid user or group id");
        }
        return value;
    }

    private static Optional<ResourceQuantity> quantity(String field, Optional<String> value) {
        return value.map(v -> ResourceQuantity.parse(field, v));
    }
}
