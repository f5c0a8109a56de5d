package dev.sidecarinjector.proxy.route;

import dev.sidecarinjector.api.snapshot.RouteMatch;
import dev.sidecarinjector.api.snapshot.StringMatch;
import java.util.Map;

/**
 * Whether one request satisfies one {@link RouteMatch} (every condition it sets). The proxy's own workload
 * conditions ({@code sourceLabels}, {@code sourceNamespace}) are not here: they were settled once when the snapshot
 * was compiled ({@link CompiledRouteTable}). {@code uri} is matched against the path without its query, as Envoy.
 */
public final class RequestMatcher {

    private RequestMatcher() {
    }

    public static boolean matches(RouteMatch match, HttpRequestLine request, RequestHeaders headers) {
        if (match.uri() != null && !match.uri().matches(request.path(), match.ignoreUriCase())) {
            return false;
        }
        if (match.method() != null && !match.method().matches(request.method(), false)) {
            return false;
        }
        if (match.authority() != null && !match.authority().matches(request.authority(), false)) {
            return false;
        }
        if (match.scheme() != null && !match.scheme().matches(request.scheme(), false)) {
            return false;
        }
        if (match.port() != 0 && match.port() != request.port()) {
            return false;
        }
        if (!match.headers().isEmpty() && !headersMatch(match.headers(), headers)) {
            return false;
        }
        if (!match.withoutHeaders().isEmpty() && anyHeaderMatches(match.withoutHeaders(), headers)) {
            return false;
        }
        return match.queryParams().isEmpty() || queryMatches(match.queryParams(), request.query());
    }

    private static boolean headersMatch(Map<String, StringMatch> expected, RequestHeaders headers) {
        for (var entry : expected.entrySet()) {
            var value = headers.get(entry.getKey());
            if (value == null || !entry.getValue().matches(value, false)) {
                return false;
            }
        }
        return true;
    }

    /** Istio's {@code withoutHeaders}: the match fails when any of them is present with a matching value. */
    private static boolean anyHeaderMatches(Map<String, StringMatch> unwanted, RequestHeaders headers) {
        for (var entry : unwanted.entrySet()) {
            var value = headers.get(entry.getKey());
            if (value != null && entry.getValue().matches(value, false)) {
                return true;
            }
        }
        return false;
    }

    private static boolean queryMatches(Map<String, StringMatch> expected, String query) {
        for (var entry : expected.entrySet()) {
            var value = QueryParameters.value(query, entry.getKey());
            if (value == null || !entry.getValue().matches(value, false)) {
                return false;
            }
        }
        return true;
    }
}
