package dev.sidecarinjector.api.net;

import java.util.regex.Pattern;

/**
 * {@code host:port} as a URL, kubelet and Go's {@code net.JoinHostPort} write it, for both sides of the mesh: the
 * webhook checks the control plane's address with {@link #parse} and the proxy reads its {@code --control-plane} flag
 * with it, so an address one takes the other takes too.
 */
public record HostPort(String host, int port) {

    /** RFC 1123 names, dot-separated labels of letters, digits and inner hyphens; IPv4 addresses match too. */
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");

    /**
     * {@code HOST:PORT}: a DNS name, an IPv4 address or a bracketed IPv6 address ({@link #host} keeps the brackets),
     * and a port 1-65535; else an {@link InvalidListException} naming {@code field} and the value.
     */
    public static HostPort parse(String field, String value) {
        var colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new InvalidListException(field, value, "is not HOST:PORT");
        }
        var host = value.substring(0, colon);
        var portText = value.substring(colon + 1);
        var ipv6 = host.length() > 2 && host.startsWith("[") && host.endsWith("]") && Ipv6.parse(host.substring(1, host.length() - 1)) != null;
        if (!ipv6 && (host.length() > 253 || !DNS_NAME.matcher(host).matches())) {
            if (Ipv6.parse(value) != null) {
                throw new InvalidListException(field, value, "is not HOST:PORT: an IPv6 address needs brackets and a port, [" + value + "]:PORT");
            }
            if (Ipv6.parse(host) != null) {
                throw new InvalidListException(field, value, "is not HOST:PORT: an IPv6 address is written in brackets, [" + host + "]:" + portText);
            }
            throw new InvalidListException(field, value, "is not HOST:PORT: \"" + host + "\" is not a DNS name or an IP address");
        }
        var digits = !portText.isEmpty() && portText.length() <= 5 && portText.chars().allMatch(c -> c >= '0' && c <= '9');
        var port = digits ? Integer.parseInt(portText) : -1;
        if (port < 1 || port > 65535) {
            throw new InvalidListException(field, value, "is not HOST:PORT: \"" + portText + "\" is not a port (1-65535)");
        }
        return new HostPort(host, port);
    }

    /** {@code host:port}, an IPv6 literal in brackets; a host already in brackets is left as it is. */
    public static String join(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
