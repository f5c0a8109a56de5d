package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.net.CidrList;
import dev.sidecarinjector.api.net.PortList;

/** What the init container intercepts: the arguments of the proxy's {@code init} command. */
public record TrafficRules(
        PortList includeInboundPorts,
        PortList excludeInboundPorts,
        PortList excludeOutboundPorts,
        CidrList includeOutboundCidrs,
        CidrList excludeOutboundCidrs) {
}
