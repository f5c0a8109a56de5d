package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.proxy.codec.MessageHead;
import java.util.Arrays;

/**
 * The headers that belong to one connection and never cross the proxy (RFC 9110 7.6.1): {@code Connection} and every
 * header it names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE} (but {@code TE: trailers}, which gRPC
 * needs, as Envoy) and {@code Upgrade} unless the request is an upgrade being tunnelled. The message framing
 * ({@code Content-Length}, {@code Transfer-Encoding}) is kept: the proxy forwards the body as it was framed.
 */
final class HopByHop {

    private HopByHop() {
    }

    /** Whether the request asks to switch protocols ({@code Connection: upgrade} with an {@code Upgrade} header). */
    static boolean isUpgrade(MessageHead head) {
        return head.contains("upgrade") && head.hasToken("connection", "upgrade");
    }

    /** Whether the message lets its connection carry another: HTTP/1.1 unless {@code close}, HTTP/1.0 with {@code keep-alive}. */
    static boolean keepAlive(MessageHead head) {
        return head.minorVersion() == 1 ? !head.hasToken("connection", "close") : head.hasToken("connection", "keep-alive");
    }

    /** Removes the hop-by-hop headers; an upgrade keeps {@code Upgrade} and gets {@code Connection: upgrade} back. */
    static void strip(MessageHead head, boolean upgrade) {
        // The names to remove are gathered first and removed in one pass over the head.
        var names = new String[8];
        var n = 0;
        names[n++] = "connection";
        names[n++] = "keep-alive";
        names[n++] = "proxy-connection";
        if (!upgrade) {
            names[n++] = "upgrade";
        }
        var te = head.get("te");
        if (te != null && !te.trim().equalsIgnoreCase("trailers")) {
            names[n++] = "te";
        }
        if (head.contains("connection")) {
            for (var value : head.getAll("connection")) {
                for (var token : value.split(",")) {
                    var name = token.trim();
                    // Framing is the codec's: a Connection header naming it must not strip the body's length.
                    if (!name.isEmpty() && !name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                            && !(upgrade && name.equalsIgnoreCase("upgrade")) && !named(names, n, name)) {
                        if (n == names.length) {
                            names = Arrays.copyOf(names, 2 * n);
                        }
                        names[n++] = name;
                    }
                }
            }
        }
        head.removeAll(names, n);
        if (upgrade) {
            head.add("connection", "upgrade");
        }
    }

    private static boolean named(String[] names, int n, String name) {
        for (var k = 0; k < n; k++) {
            if (names[k].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
