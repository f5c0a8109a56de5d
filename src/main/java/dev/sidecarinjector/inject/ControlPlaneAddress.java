package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.net.HostPort;
import java.util.regex.Pattern;

/**
 * Where the injected proxy finds the control plane ({@code run --control-plane HOST:PORT}): a DNS name, an IPv4
 * address or a bracketed IPv6 address, and a port. Validated here so a typo is refused at startup with the
 * property's name, not discovered in every pod's proxy log.
 */
public record ControlPlaneAddress(String host, int port) {

    /** RFC 1123 names, dot-separated labels of letters, digits and inner hyphens; IPv4 addresses match too. */
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-fA-F:.]+]");

    /** Parses {@code HOST:PORT}; the message of a refusal names {@code field} and the value. */
    public static ControlPlaneAddress parse(String field, String value) {
        var colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new InvalidValueException(field, value, "is not HOST:PORT");
        }
        var host = value.substring(0, colon);
        var portText = value.substring(colon + 1);
        if (host.length() > 253 || !(DNS_NAME.matcher(host).matches() || IPV6.matcher(host).matches())) {
            throw new InvalidValueException(field, value, "is not HOST:PORT: \"" + host + "\" is not a DNS name or an IP address");
        }
        int port;
        try {
            port = portText.chars().allMatch(Character::isDigit) && portText.length() <= 5 ? Integer.parseInt(portText) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new InvalidValueException(field, value, "is not HOST:PORT: \"" + portText + "\" is not a port (1-65535)");
        }
        return new ControlPlaneAddress(host, port);
    }

    /** The {@code HOST:PORT} form the proxy's flag takes. */
    public String text() {
        return HostPort.join(host, port);
    }
}
