package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.net.MeshPorts;

/** The proxy's ports as configured; Istio's layout ({@link MeshPorts}) by default. */
public record ProxyPorts(int inbound, int outbound, int health, int metrics, int status) {

    public static final ProxyPorts ISTIO = new ProxyPorts(MeshPorts.INBOUND, MeshPorts.OUTBOUND, MeshPorts.HEALTH, MeshPorts.METRICS, MeshPorts.STATUS);
}
