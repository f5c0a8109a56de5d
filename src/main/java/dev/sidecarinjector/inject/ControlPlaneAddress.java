package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.net.HostPort;
import dev.sidecarinjector.api.net.InvalidListException;

/**
 * Where the injected proxy finds the control plane ({@code run --control-plane HOST:PORT}): a DNS name, an IPv4
 * address or a bracketed IPv6 address, and a port (mesh-api's {@link HostPort#parse}, which the proxy's flag goes
 * through too). Validated here so a typo is refused at startup with the property's name, not discovered in every pod's
 * proxy log.
 */
public record ControlPlaneAddress(String host, int port) {

    /** Parses {@code HOST:PORT} as the proxy's {@code --control-plane} does; the message of a refusal names {@code field} and the value. */
    public static ControlPlaneAddress parse(String field, String value) {
        try {
            var address = HostPort.parse(field, value);
            return new ControlPlaneAddress(address.host(), address.port());
        } catch (InvalidListException e) {
            throw new InvalidValueException(field, value, e.problem());
        }
    }

    /** The {@code HOST:PORT} form the proxy's flag takes. */
    public String text() {
        return HostPort.join(host, port);
    }
}
