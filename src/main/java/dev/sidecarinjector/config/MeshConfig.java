package dev.sidecarinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The mesh: where injected proxies find the control plane, and where the control plane reads its resources. */
@ConfigMapping(prefix = "injector.mesh")
public interface MeshConfig {

    /**
     * {@code HOST:PORT} of the control plane the injected proxy connects to ({@code run --control-plane}), with
     * the root certificate and ServiceAccount token volumes it needs. Empty (the default outside the chart): no
     * control plane, the proxy is the plain L4 relay. The chart sets its own Service, {@code <fullname>.<ns>.svc:15012}.
     */
    @WithDefault("")
    Optional<String> controlPlaneAddress();

    /**
     * Where the control plane reads Services, EndpointSlices, Pods and Istio's resources: {@code kubernetes}
     * (informers), {@code directory} (files), or {@code auto} (kubernetes inside a pod, directory elsewhere).
     * Validated here; read by the control plane, which arrives separately. The chart sets {@code kubernetes}.
     */
    @WithDefault("auto")
    String source();
}
