package dev.sidecarinjector.inject;

/** What the init container intercepts: the arguments of the proxy's {@code init} command. */
public record TrafficRules(
        PortList includeInboundPorts,
        PortList excludeInboundPorts,
        PortList excludeOutboundPorts,
        CidrList includeOutboundCidrs,
        CidrList excludeOutboundCidrs) {
}
