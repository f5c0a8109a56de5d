package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.net.MeshPorts;
import java.util.ArrayList;
import java.util.List;

/** The proxy's ports as configured; Istio's layout ({@link MeshPorts}) by default. */
public record ProxyPorts(int inbound, int outbound, int health, int metrics, int status) {

    public static final ProxyPorts ISTIO = new ProxyPorts(MeshPorts.INBOUND, MeshPorts.OUTBOUND, MeshPorts.HEALTH, MeshPorts.METRICS, MeshPorts.STATUS);

    /**
     * The proxy's own listening ports (status, health, metrics) that {@code init} does not already leave alone: it
     * returns Istio's numbers before any inbound capture, so only a configured other number needs excluding.
     */
    public List<Integer> ownPortsInitDoesNotReturn() {
        var ports = new ArrayList<Integer>();
        if (status != MeshPorts.STATUS) {
            ports.add(status);
        }
        if (metrics != MeshPorts.METRICS) {
            ports.add(metrics);
        }
        if (health != MeshPorts.HEALTH) {
            ports.add(health);
        }
        return ports;
    }
}
