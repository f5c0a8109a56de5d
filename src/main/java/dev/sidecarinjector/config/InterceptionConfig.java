package dev.sidecarinjector.config;

import dev.sidecarinjector.inject.Interception;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** What the iptables init container captures. Each has a per-pod traffic.sidecar.istio.io/* annotation. */
@ConfigMapping(prefix = "injector.interception")
public interface InterceptionConfig {

    /** {@code iptables} adds the init container; {@code none} injects the proxy only. */
    @WithDefault("iptables")
    Interception mode();

    /** Inbound ports captured, {@code *} for all; per pod: traffic.sidecar.istio.io/includeInboundPorts. */
    @WithDefault("*")
    String includeInboundPorts();

    /** Inbound ports never captured; per pod: traffic.sidecar.istio.io/excludeInboundPorts. */
    Optional<String> excludeInboundPorts();

    /** Outbound ports never captured; per pod: traffic.sidecar.istio.io/excludeOutboundPorts. */
    Optional<String> excludeOutboundPorts();

    /** Outbound CIDRs captured, {@code *} for all; per pod: traffic.sidecar.istio.io/includeOutboundIPRanges. */
    @WithDefault("*")
    String includeOutboundCidrs();

    /** Outbound CIDRs never captured; per pod: traffic.sidecar.istio.io/excludeOutboundIPRanges. */
    Optional<String> excludeOutboundCidrs();
}
