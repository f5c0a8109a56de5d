package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.ConsistentHash;
import dev.sidecarinjector.proxy.cluster.Hash64;
import dev.sidecarinjector.proxy.codec.MessageHead;
import dev.sidecarinjector.proxy.route.HttpRequestLine;
import dev.sidecarinjector.proxy.route.QueryParameters;
import java.net.SocketAddress;
import java.util.List;

/**
 * What of a request a consistent-hash cluster hashes, read as Envoy's hash policies read it: the header's first value,
 * the cookie's value (without its quotes), the client's IP address, the query parameter's raw value. A request
 * without it has no key, and the cluster picks at random, as Envoy does. For a cookie a request does not carry and
 * a {@code ttl} is set, the proxy makes one (Envoy's: the hash of the connection's two addresses, 16 hex digits)
 * and hashes it; {@link #setCookie} is what the response then sets.
 */
final class RequestHash {

    private RequestHash() {
    }

    /** The text to hash, or null when the request has none. */
    static String key(ConsistentHash hash, MessageHead request, HttpRequestLine line, String clientIp) {
        return switch (hash.source()) {
            case HEADER -> request.get(hash.name());
            case COOKIE -> cookie(request.getAll("cookie"), hash.name());
            case SOURCE_IP -> clientIp;
            case QUERY_PARAMETER -> QueryParameters.value(line.query(), hash.name());
        };
    }

    /** A cookie's value for a connection (the same for every request on it, as Envoy makes it). */
    static String generatedCookie(SocketAddress remote, SocketAddress local) {
        return String.format("%016x", Hash64.of(String.valueOf(remote) + local));
    }

    /** {@code name="value"; Max-Age=S; Path=P; HttpOnly}, as Envoy writes a cookie it generates (no Max-Age: a session cookie). */
    static String setCookie(ConsistentHash hash, String value) {
        var cookie = new StringBuilder(hash.name()).append("=\"").append(value).append('"');
        var seconds = hash.cookieTtlMs() / 1000;
        if (seconds > 0) {
            cookie.append("; Max-Age=").append(seconds);
        }
        if (hash.cookiePath() != null && !hash.cookiePath().isEmpty()) {
            cookie.append("; Path=").append(hash.cookiePath());
        }
        return cookie.append("; HttpOnly").toString();
    }

    /** The value of cookie {@code name} in the request's Cookie headers ({@code a=1; b="2"}), or null. */
    static String cookie(List<String> headers, String name) {
        for (var header : headers) {
            var start = 0;
            while (start < header.length()) {
                var end = header.indexOf(';', start);
                if (end < 0) {
                    end = header.length();
                }
                var equals = header.indexOf('=', start);
                if (equals > 0 && equals < end && header.substring(start, equals).strip().equals(name)) {
                    var value = header.substring(equals + 1, end).strip();
                    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
                }
                start = end + 1;
            }
        }
        return null;
    }
}
