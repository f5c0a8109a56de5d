package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * One VirtualService {@code http} route: it applies when any of {@code matches} holds (none: always), then either
 * redirects, answers itself ({@code directResponse}) or sends to one of {@code destinations} by weight. {@code name}
 * says where it came from ({@code namespace/virtualservice[.route name or index]}) for logs and metrics.
 * {@code timeoutMs} 0: no timeout.
 */
public record Route(String name, List<RouteMatch> matches, List<WeightedCluster> destinations, Redirect redirect,
                    DirectResponse directResponse, long timeoutMs, RetryPolicy retries, Fault fault, Rewrite rewrite,
                    Headers headers, Cors cors)
        implements JsonWriter.Writable {

    public Route {
        matches = List.copyOf(matches);
        destinations = List.copyOf(destinations);
    }

    /** A route with no direct response and no CORS policy. */
    public Route(String name, List<RouteMatch> matches, List<WeightedCluster> destinations, Redirect redirect,
                 long timeoutMs, RetryPolicy retries, Fault fault, Rewrite rewrite, Headers headers) {
        this(name, matches, destinations, redirect, null, timeoutMs, retries, fault, rewrite, headers, null);
    }

    public static Route read(JsonObject json) {
        var retries = json.object("retries", RetryPolicy::read);
        var headers = json.object("headers", Headers::read);
        var route = new Route(json.string("name"), json.list("matches", RouteMatch::read),
                json.list("destinations", WeightedCluster::read), json.object("redirect", Redirect::read),
                json.object("directResponse", DirectResponse::read),
                json.number("timeoutMs", 0, 0, Limits.MAX_DURATION_MS), retries == null ? RetryPolicy.NONE : retries,
                json.object("fault", Fault::read), json.object("rewrite", Rewrite::read), headers == null ? Headers.NONE : headers,
                json.object("cors", Cors::read));
        var actions = (route.destinations.isEmpty() ? 0 : 1) + (route.redirect == null ? 0 : 1) + (route.directResponse == null ? 0 : 1);
        if (actions != 1) {
            throw json.error("destinations", "a route needs one of destinations, a redirect or a direct response");
        }
        WeightedCluster.checkWeights(json, route.destinations);
        return route;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("name", name).field("matches", matches).field("destinations", destinations)
                .field("redirect", redirect).field("directResponse", directResponse).nonZero("timeoutMs", timeoutMs)
                .field("retries", retries.attempts() == 0 ? null : retries).field("fault", fault).field("rewrite", rewrite)
                .field("headers", headers.isEmpty() ? null : headers).field("cors", cors).endObject();
    }
}
