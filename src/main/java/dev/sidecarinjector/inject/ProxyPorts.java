package dev.sidecarinjector.inject;

/** The proxy's well-known ports (Istio's layout by default). */
public record ProxyPorts(int inbound, int outbound, int health, int metrics) {

    public static final ProxyPorts ISTIO = new ProxyPorts(15006, 15001, 15021, 15090);
}
