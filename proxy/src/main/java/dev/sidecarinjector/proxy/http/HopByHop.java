package dev.sidecarinjector.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;

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
    static boolean isUpgrade(HttpHeaders headers) {
        return headers.contains(HttpHeaderNames.UPGRADE)
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** Removes the hop-by-hop headers; an upgrade keeps {@code Upgrade} and gets {@code Connection: upgrade} back. */
    static void strip(HttpHeaders headers, boolean upgrade) {
        var named = headers.getAll(HttpHeaderNames.CONNECTION);
        if (!named.isEmpty()) {
            var listed = new ArrayList<String>(4);
            for (var value : named) {
                for (var token : value.split(",")) {
                    var name = token.trim();
                    if (!name.isEmpty()) {
                        listed.add(name);
                    }
                }
            }
            for (var name : listed) {
                // Framing is the codec's: a Connection header naming it must not strip the body's length.
                if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                        && !(upgrade && name.equalsIgnoreCase("upgrade"))) {
                    headers.remove(name);
                }
            }
            headers.remove(HttpHeaderNames.CONNECTION);
        }
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove("proxy-connection");
        var te = headers.get(HttpHeaderNames.TE);
        if (te != null && !te.trim().equalsIgnoreCase("trailers")) {
            headers.remove(HttpHeaderNames.TE);
        }
        if (upgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else {
            headers.remove(HttpHeaderNames.UPGRADE);
        }
    }
}
