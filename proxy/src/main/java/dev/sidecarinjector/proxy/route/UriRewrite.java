package dev.sidecarinjector.proxy.route;

import dev.sidecarinjector.api.snapshot.RouteMatch;
import dev.sidecarinjector.api.snapshot.StringMatch;

/**
 * VirtualService {@code rewrite.uri} as Envoy's {@code prefix_rewrite}: the part of the path that the match's
 * {@code uri} prefix matched is replaced; an exact or regex {@code uri} match has the whole path replaced; a match
 * with no {@code uri} (or a route with no match) matched the prefix {@code /}, which is replaced. The query stays.
 */
public final class UriRewrite {

    private UriRewrite() {
    }

    /** The new request target; {@code match} is the one that held (null for a route with no match). */
    public static String rewrite(HttpRequestLine request, RouteMatch match, String replacement) {
        var path = request.path();
        var uri = match == null ? null : match.uri();
        int matched;
        if (uri == null) {
            matched = path.startsWith("/") ? 1 : 0;
        } else if (uri.kind() == StringMatch.Kind.PREFIX) {
            matched = uri.value().length();
        } else {
            matched = path.length();
        }
        var rewritten = replacement + path.substring(matched);
        return request.query() == null ? rewritten : rewritten + "?" + request.query();
    }
}
