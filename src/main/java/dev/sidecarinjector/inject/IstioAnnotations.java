package dev.sidecarinjector.inject;

import java.util.Map;
import java.util.Set;

/**
 * Istio's pod annotations under the prefixes {@link AnnotationCheck} looks at, as istio.io/api's
 * {@code annotation/annotations.yaml} lists them, beyond those this injector reads ({@link Annotations}): the ones
 * it does not read, and the ones Istio deprecated with what replaces each (from that file's descriptions and
 * where Istio's own code reads the replacement).
 */
final class IstioAnnotations {

    /** Istio's annotations that this injector does not read (a pod keeps them, they change nothing here). */
    static final Set<String> NOT_READ = Set.of(
            "sidecar.istio.io/proxyImageType",
            "sidecar.istio.io/bootstrapOverride",
            "sidecar.istio.io/statsHistogramBuckets",
            "sidecar.istio.io/statsFlushInterval",
            "sidecar.istio.io/statsEvictionInterval",
            "sidecar.istio.io/statsHistogramBins",
            "sidecar.istio.io/userVolume",
            "sidecar.istio.io/userVolumeMount",
            "sidecar.istio.io/logLevel",
            "sidecar.istio.io/componentLogLevel",
            "sidecar.istio.io/agentLogLevel",
            "traffic.sidecar.istio.io/excludeInterfaces",
            "traffic.sidecar.istio.io/includeOutboundPorts",
            "proxy.istio.io/overrides",
            // Istio's readiness check of the app's ports: the proxy here checks no app port.
            "readiness.status.sidecar.istio.io/applicationPorts");

    /** Istio's deprecated annotations and what Istio reads instead. */
    static final Map<String, String> DEPRECATED = Map.of(
            Annotations.INJECT, "the label " + Annotations.INJECT,
            "sidecar.istio.io/discoveryAddress", Annotations.PROXY_CONFIG + " discoveryAddress",
            "sidecar.istio.io/statsInclusionPrefixes", Annotations.PROXY_CONFIG + " proxyStatsMatcher.inclusionPrefixes",
            "sidecar.istio.io/statsInclusionSuffixes", Annotations.PROXY_CONFIG + " proxyStatsMatcher.inclusionSuffixes",
            "sidecar.istio.io/statsInclusionRegexps", Annotations.PROXY_CONFIG + " proxyStatsMatcher.inclusionRegexps",
            "sidecar.istio.io/extraStatTags", Annotations.PROXY_CONFIG + " extraStatTags",
            "sidecar.istio.io/statsCompression", Annotations.PROXY_CONFIG + " statsCompression",
            "traffic.sidecar.istio.io/kubevirtInterfaces", "the annotation istio.io/reroute-virtual-interfaces");

    /**
     * The fields of Istio's ProxyConfig (istio.io/api's {@code mesh/v1alpha1/proxy.proto}), which a pod sets in the
     * annotation {@code proxy.istio.io/config}: written as an annotation of their own, they are a likely mistake.
     */
    static final Set<String> PROXY_CONFIG_FIELDS = Set.of(
            "configPath", "binaryPath", "serviceCluster", "drainDuration", "discoveryAddress", "proxyAdminPort",
            "controlPlaneAuthPolicy", "customConfigFile", "statNameLength", "concurrency", "proxyBootstrapTemplatePath",
            "interceptionMode", "tracing", "envoyAccessLogService", "envoyMetricsService", "proxyMetadata", "runtimeValues",
            "statusPort", "extraStatTags", "gatewayTopology", "terminationDrainDuration", "meshId", "readinessProbe",
            "proxyStatsMatcher", "holdApplicationUntilProxyStarts", "caCertificatesPem", "image", "privateKeyProvider",
            "proxyHeaders", "fileFlushInterval", "fileFlushMinSizeKb");

    private IstioAnnotations() {
    }
}
