package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.net.MeshPorts;

/**
 * Istio's {@code status.sidecar.istio.io/port} for one pod: the proxy's status port, where the app's rewritten probes
 * go and which the init container leaves uncaptured. {@code "0"} is Istio's "no status": the proxy gets no readiness
 * probe (nor, in native placement, a startup probe) and the app's probes stay as written; the proxy still listens on
 * the configured status port ({@code /quitquitquit}). A port the proxy already uses for something else is refused,
 * naming it: the proxy could not start.
 */
final class StatusPort {

    /** The value that turns the proxy's status off. */
    static final int NONE = 0;

    private StatusPort() {
    }

    /** The annotation's value read as Istio reads it (a 16-bit unsigned number, blanks around it ignored). */
    static int parse(String value, ProxyPorts ports) {
        var number = PodOverrides.unsigned(value.strip(), 65_535);
        if (number < 0) {
            throw new InvalidValueException(Annotations.STATUS_PORT, value,
                    "is not a port (1-65535, or 0: no readiness probe for the proxy, the app's probes left as written)");
        }
        var port = (int) number;
        var taken = port == NONE ? null : takenBy(port, ports);
        if (taken != null) {
            throw new InvalidValueException(Annotations.STATUS_PORT, value, "is the proxy's " + taken + ": the proxy could not listen on both");
        }
        return port;
    }

    /** The port the proxy's status server listens on: the pod's, else (for {@link #NONE}) the configured one. */
    static int listening(int statusPort, ProxyPorts ports) {
        return statusPort == NONE ? ports.status() : statusPort;
    }

    private static String takenBy(int port, ProxyPorts ports) {
        if (port == ports.inbound()) {
            return "inbound capture port (injector.proxy.inbound-port)";
        }
        if (port == ports.outbound()) {
            return "outbound capture port (injector.proxy.outbound-port)";
        }
        if (port == ports.health()) {
            return "health port (injector.proxy.health-port)";
        }
        if (port == ports.metrics()) {
            return "metrics port (injector.proxy.metrics-port)";
        }
        return port == MeshPorts.ADMIN ? "admin port (" + MeshPorts.ADMIN + ", on loopback)" : null;
    }
}
