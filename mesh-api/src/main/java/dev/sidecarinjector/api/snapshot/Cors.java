package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * VirtualService {@code corsPolicy}, as Envoy's CORS filter applies it: a request whose {@code Origin} one of
 * {@code allowOrigins} matches gets {@code access-control-allow-origin} (its origin), {@code -allow-credentials} and
 * {@code -expose-headers} on its response; such a preflight ({@code OPTIONS} with
 * {@code access-control-request-method}) is answered by the proxy, with the allowed methods and headers and
 * {@code maxAgeSeconds} (null: none). A preflight from another origin is forwarded, or answered with no CORS
 * header when {@code ignoreUnmatchedPreflights}.
 */
public record Cors(List<StringMatch> allowOrigins, List<String> allowMethods, List<String> allowHeaders, List<String> exposeHeaders,
                   Long maxAgeSeconds, boolean allowCredentials, boolean ignoreUnmatchedPreflights) implements JsonWriter.Writable {

    public Cors {
        allowOrigins = List.copyOf(allowOrigins);
        allowMethods = List.copyOf(allowMethods);
        allowHeaders = List.copyOf(allowHeaders);
        exposeHeaders = List.copyOf(exposeHeaders);
    }

    public static Cors read(JsonObject json) {
        return new Cors(json.list("allowOrigins", StringMatch::read), json.strings("allowMethods"), json.strings("allowHeaders"),
                json.strings("exposeHeaders"), json.has("maxAgeSeconds") ? json.number("maxAgeSeconds", 0, 0, Limits.MAX_DURATION_MS / 1000) : null,
                json.bool("allowCredentials", false), json.bool("ignoreUnmatchedPreflights", false));
    }

    /** Whether a request from {@code origin} is one the policy allows. */
    public boolean allows(String origin) {
        for (var match : allowOrigins) {
            // Envoy's check: an origin a matcher matches, or any origin when a matcher matches "*".
            if (match.matches(origin, false) || match.matches("*", false)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("allowOrigins", allowOrigins).field("allowMethods", allowMethods).field("allowHeaders", allowHeaders)
                .field("exposeHeaders", exposeHeaders).field("maxAgeSeconds", maxAgeSeconds)
                .field("allowCredentials", allowCredentials ? Boolean.TRUE : null)
                .field("ignoreUnmatchedPreflights", ignoreUnmatchedPreflights ? Boolean.TRUE : null).endObject();
    }
}
