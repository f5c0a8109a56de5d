package dev.sidecarinjector.proxy.policy;

import dev.sidecarinjector.proxy.route.RequestHeaders;

/**
 * What an AuthorizationPolicy decision reads of an inbound request or connection. {@code principal} is the mutual TLS
 * client's ({@code cluster.local/ns/NS/sa/SA}), null in plaintext; addresses are IPv4 as unsigned 32-bit values (-1:
 * unknown): {@code sourceIp} the connection's peer, {@code remoteIp} the original client (the last
 * {@code X-Forwarded-For} address over HTTP, else the peer), {@code destinationIp} and {@code destinationPort} the
 * original destination. The HTTP part is null for a TCP connection: {@code path} is without query (see
 * {@link #pathOf}), {@code auth} null when the request carries no token.
 */
public record AccessRequest(String principal, long sourceIp, long remoteIp, long destinationIp, int destinationPort, String method,
                            String host, String path, RequestHeaders headers, RequestAuth auth) {

    /** A TCP connection. */
    public static AccessRequest tcp(String principal, long sourceIp, long destinationIp, int destinationPort) {
        return new AccessRequest(principal, sourceIp, sourceIp, destinationIp, destinationPort, null, null, null, null, null);
    }

    /**
     * The path policies match, as Envoy's {@code url_path} with Istio's default normalization: without query and
     * fragment, dot segments removed (RFC 3986 5.2.4), so {@code /public/../admin} is matched as {@code /admin}.
     */
    public static String pathOf(String target) {
        var end = target.length();
        for (var i = 0; i < target.length(); i++) {
            var c = target.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        var path = target.substring(0, end);
        return path.contains("/.") ? removeDotSegments(path) : path;
    }

    private static String removeDotSegments(String path) {
        var out = new java.util.ArrayDeque<String>();
        var segments = path.split("/", -1);
        for (var i = 1; i < segments.length; i++) {
            var segment = segments[i];
            var last = i == segments.length - 1;
            if (segment.equals(".")) {
                if (last) {
                    out.addLast("");
                }
            } else if (segment.equals("..")) {
                out.pollLast();
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(segment);
            }
        }
        var joined = new StringBuilder(path.length());
        for (var segment : out) {
            joined.append('/').append(segment);
        }
        return joined.isEmpty() ? "/" : joined.toString();
    }

    /** A socket address ({@code InetSocketAddress}) of IPv4 as an unsigned 32-bit value, or -1. */
    public static long ipv4(Object address) {
        if (address instanceof java.net.InetSocketAddress socket && socket.getAddress() instanceof java.net.Inet4Address v4) {
            var b = v4.getAddress();
            return ((long) (b[0] & 0xFF) << 24) | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
        }
        return -1;
    }

    /** The rightmost address of an {@code X-Forwarded-For} value (Envoy's choice with no trusted hops), or -1. */
    public static long lastForwardedFor(String xff) {
        if (xff == null) {
            return -1;
        }
        var comma = xff.lastIndexOf(',');
        return dev.sidecarinjector.api.net.Ipv4.parse(xff.substring(comma + 1).strip());
    }
}
