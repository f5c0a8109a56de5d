package dev.sidecarinjector.inject;

/**
 * The annotation and label names users write on pods: Istio's where Istio has one, vault-k8s's for the
 * vault-agent template, and this project's own under {@code sidecarinjector.dev/}.
 */
public final class Annotations {
    public static final String INJECT = "sidecar.istio.io/inject";
    public static final String STATUS = "sidecar.istio.io/status";
    public static final String PROXY_IMAGE = "sidecar.istio.io/proxyImage";
    public static final String PROXY_CPU = "sidecar.istio.io/proxyCPU";
    public static final String PROXY_MEMORY = "sidecar.istio.io/proxyMemory";
    public static final String PROXY_CPU_LIMIT = "sidecar.istio.io/proxyCPULimit";
    public static final String PROXY_MEMORY_LIMIT = "sidecar.istio.io/proxyMemoryLimit";
    public static final String NATIVE_SIDECAR = "sidecar.istio.io/nativeSidecar";
    /** Istio's opt-out of the probe rewrite; read as Go's {@code strconv.ParseBool}, as Istio reads it. */
    public static final String REWRITE_APP_PROBERS = "sidecar.istio.io/rewriteAppHTTPProbers";
    /** Istio's timing of the proxy's readiness probe ({@link ProxyReadiness}). */
    public static final String READINESS_INITIAL_DELAY = "readiness.status.sidecar.istio.io/initialDelaySeconds";
    public static final String READINESS_PERIOD = "readiness.status.sidecar.istio.io/periodSeconds";
    public static final String READINESS_FAILURE_THRESHOLD = "readiness.status.sidecar.istio.io/failureThreshold";
    /** Istio's status port per pod ({@link StatusPort}): where the app's probes go; {@code "0"}: no readiness probe for the proxy. */
    public static final String STATUS_PORT = "status.sidecar.istio.io/port";
    /** Istio's interception per pod: {@code REDIRECT} (the iptables init container), {@code NONE} (none); {@code TPROXY} is read as REDIRECT, with a warning. */
    public static final String INTERCEPTION_MODE = "sidecar.istio.io/interceptionMode";
    public static final String INCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/includeInboundPorts";
    public static final String EXCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/excludeInboundPorts";
    public static final String EXCLUDE_OUTBOUND_PORTS = "traffic.sidecar.istio.io/excludeOutboundPorts";
    public static final String INCLUDE_OUTBOUND_IP_RANGES = "traffic.sidecar.istio.io/includeOutboundIPRanges";
    public static final String EXCLUDE_OUTBOUND_IP_RANGES = "traffic.sidecar.istio.io/excludeOutboundIPRanges";
    /** Istio's per-pod proxy configuration; only {@code holdApplicationUntilProxyStarts} is read from it. */
    public static final String PROXY_CONFIG = "proxy.istio.io/config";
    /** Istio's choice of injection templates: comma-separated names, applied in order; default {@code sidecar}. */
    public static final String TEMPLATES = "inject.istio.io/templates";
    /** The log-shipper template's values. */
    public static final String LOG_DIRECTORY = "sidecarinjector.dev/log-directory";
    public static final String LOG_SHIPPER_IMAGE = "sidecarinjector.dev/log-shipper-image";
    public static final String LOG_SHIPPER_OUTPUT = "sidecarinjector.dev/log-shipper-output";
    public static final String LOG_SHIPPER_CPU = "sidecarinjector.dev/log-shipper-cpu";
    public static final String LOG_SHIPPER_MEMORY = "sidecarinjector.dev/log-shipper-memory";
    public static final String LOG_SHIPPER_CPU_LIMIT = "sidecarinjector.dev/log-shipper-cpu-limit";
    public static final String LOG_SHIPPER_MEMORY_LIMIT = "sidecarinjector.dev/log-shipper-memory-limit";
    /** The config-reloader template's values. */
    public static final String CONFIG_RELOADER_VOLUME = "sidecarinjector.dev/config-reloader-volume";
    public static final String CONFIG_RELOADER_URL = "sidecarinjector.dev/config-reloader-url";
    public static final String CONFIG_RELOADER_IMAGE = "sidecarinjector.dev/config-reloader-image";
    public static final String DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";
    public static final String PROMETHEUS_SCRAPE = "prometheus.io/scrape";
    public static final String PROMETHEUS_PORT = "prometheus.io/port";
    public static final String PROMETHEUS_PATH = "prometheus.io/path";

    private Annotations() {
    }
}
