package dev.sidecarinjector.proxy.route;

import dev.sidecarinjector.api.snapshot.Redirect;

/**
 * The {@code Location} of a VirtualService {@code redirect}: the request's URL with the parts the redirect sets
 * replaced. {@code uri} replaces the whole path (Istio: whatever the match was) and the query is kept unless
 * {@code uri} brings its own; {@code authority} replaces the host (with its port, if it names one); {@code port}
 * replaces the port, or {@code derivePort} derives it (the scheme's default, or the port the request came to);
 * {@code scheme} the scheme. A port that is the scheme's default is left out, as Envoy.
 */
public final class RedirectLocation {

    private RedirectLocation() {
    }

    public static String build(Redirect redirect, HttpRequestLine request) {
        var scheme = redirect.scheme() != null ? redirect.scheme() : request.scheme();
        var authority = redirect.authority() != null ? redirect.authority() : request.authority();
        var host = authority;
        var port = -1;
        var colon = authority.lastIndexOf(':');
        if (colon > 0 && authority.indexOf(']', colon) < 0) {
            host = authority.substring(0, colon);
            port = parsePort(authority.substring(colon + 1));
        }
        if (redirect.port() != 0) {
            port = redirect.port();
        } else if (redirect.derivePort() == Redirect.DerivePort.REQUEST_PORT) {
            port = request.port();
        } else if (redirect.derivePort() == Redirect.DerivePort.PROTOCOL_DEFAULT) {
            port = -1;
        } else if (redirect.scheme() != null && redirect.authority() == null) {
            // A new scheme with the old host: the old port belonged to the old scheme (Envoy drops it).
            port = -1;
        }
        var location = new StringBuilder(scheme).append("://").append(host);
        if (port > 0 && port != defaultPort(scheme)) {
            location.append(':').append(port);
        }
        if (redirect.uri() == null) {
            location.append(request.path());
            appendQuery(location, request.query());
        } else {
            location.append(redirect.uri());
            if (redirect.uri().indexOf('?') < 0) {
                appendQuery(location, request.query());
            }
        }
        return location.toString();
    }

    private static void appendQuery(StringBuilder location, String query) {
        if (query != null) {
            location.append('?').append(query);
        }
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
