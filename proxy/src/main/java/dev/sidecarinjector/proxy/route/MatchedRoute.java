package dev.sidecarinjector.proxy.route;

import dev.sidecarinjector.api.snapshot.RouteMatch;

/**
 * A route and the one of its matches that held ({@code match} null for a route with no match, which matches
 * everything): the rewrite needs to know which prefix matched. Made once per (route, match) at compile time, so
 * selecting a route allocates nothing.
 */
public record MatchedRoute(CompiledRoute route, RouteMatch match) {
}
