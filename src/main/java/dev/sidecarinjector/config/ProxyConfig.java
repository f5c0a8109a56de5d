package dev.sidecarinjector.config;

import dev.sidecarinjector.api.net.MeshPorts;
import dev.sidecarinjector.inject.Placement;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The injected proxy: image, placement, resources, identity and ports. Pods override some of these with annotations. */
@ConfigMapping(prefix = "injector.proxy")
public interface ProxyConfig {

    /** Proxy image; per pod: sidecar.istio.io/proxyImage. */
    @WithDefault("sidecar-proxy:0.1.0")
    String image();

    /** Image pull policy of the proxy and init containers. */
    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    /** {@code container}, or {@code native} (init container with restartPolicy Always); per pod: sidecar.istio.io/nativeSidecar. */
    @WithDefault("container")
    Placement placement();

    /** Start the proxy first and hold the app until the proxy is ready; per pod: proxy.istio.io/config holdApplicationUntilProxyStarts. */
    @WithDefault("false")
    @WithConverter(StrictBoolean.class)
    boolean holdApplicationUntilProxyStarts();

    /**
     * Rewrite the app containers' httpGet, tcpSocket and grpc probes to the proxy's status port, which runs them
     * (Istio's rewriteAppHTTPProbe); per pod: sidecar.istio.io/rewriteAppHTTPProbers.
     */
    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean rewriteAppProbes();

    /** CPU request; per pod: sidecar.istio.io/proxyCPU. */
    @WithDefault("100m")
    Optional<String> cpuRequest();

    /** Memory request; per pod: sidecar.istio.io/proxyMemory. */
    @WithDefault("64Mi")
    Optional<String> memoryRequest();

    /** CPU limit, none by default; per pod: sidecar.istio.io/proxyCPULimit. */
    Optional<String> cpuLimit();

    /** Memory limit; per pod: sidecar.istio.io/proxyMemoryLimit. */
    @WithDefault("128Mi")
    Optional<String> memoryLimit();

    /** User id the proxy runs as; iptables returns this uid's traffic untouched. */
    @WithDefault("" + MeshPorts.PROXY_UID)
    long uid();

    /** Group id the proxy runs as. */
    @WithDefault("" + MeshPorts.PROXY_GID)
    long gid();

    /** Port the proxy accepts redirected inbound connections on. */
    @WithDefault("" + MeshPorts.INBOUND)
    int inboundPort();

    /** Port the proxy accepts redirected outbound connections on. */
    @WithDefault("" + MeshPorts.OUTBOUND)
    int outboundPort();

    /** Port of the proxy's /healthz/ready, never intercepted. */
    @WithDefault("" + MeshPorts.HEALTH)
    int healthPort();

    /** Port of the proxy's /stats/prometheus, never intercepted. */
    @WithDefault("" + MeshPorts.METRICS)
    int metricsPort();

    /** Port of the proxy's status page (Istio's pilot-agent port: the rewritten app probes, /quitquitquit), never intercepted. */
    @WithDefault("" + MeshPorts.STATUS)
    int statusPort();

    /** Drain period: seconds the proxy goes on accepting and serving after SIGTERM (readiness fails at once), then it closes its listeners; keep it below the pod's terminationGracePeriodSeconds (30 s by default). */
    @WithDefault("5")
    int drainSeconds();
}
