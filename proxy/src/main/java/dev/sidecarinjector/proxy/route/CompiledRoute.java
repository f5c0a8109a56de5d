package dev.sidecarinjector.proxy.route;

import dev.sidecarinjector.api.snapshot.Headers;
import dev.sidecarinjector.api.snapshot.Route;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import dev.sidecarinjector.proxy.mesh.RandomSource;

/**
 * A route of a compiled snapshot: the api {@link Route} with its destinations resolved to the snapshot's
 * {@link ClusterState}s and their weights as a cumulative table ({@link WeightedPick}). A redirect or direct-response route has no destinations; a direct response's body and a regex
 * rewrite are made once, here.
 */
public final class CompiledRoute {

    private final Route route;
    private final ClusterState[] destinations;
    private final int[] cumulativeWeights;
    private final byte[] directResponseBody;
    private final RegexPathRewrite regexRewrite;

    public CompiledRoute(Route route, ClusterState[] destinations) {
        this.route = route;
        this.destinations = destinations;
        this.directResponseBody = route.directResponse() == null ? null : route.directResponse().body();
        this.regexRewrite = RegexPathRewrite.of(route.rewrite());
        this.cumulativeWeights = WeightedPick.cumulative(route.destinations());
    }

    public Route route() {
        return route;
    }

    /** The route's {@code rewrite.uriRegexRewrite}, compiled; null when it has none. */
    public RegexPathRewrite regexRewrite() {
        return regexRewrite;
    }

    /** The direct response's body (the same array for every request: not to be written to), or null. */
    public byte[] directResponseBody() {
        return directResponseBody;
    }

    /** Which destination this request goes to, by weight (a weight of 0 is never chosen). */
    public int pickDestination(RandomSource random) {
        return WeightedPick.pick(cumulativeWeights, random);
    }

    public int destinationCount() {
        return destinations.length;
    }

    public ClusterState destination(int index) {
        return destinations[index];
    }

    /** The destination's own header edits (applied before the route's: {@link HeaderEdits}). */
    public Headers destinationHeaders(int index) {
        return route.destinations().get(index).headers();
    }
}
