package dev.sidecarinjector.proxy.mesh;

import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.Headers;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.OutlierDetection;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.RetryPolicy;
import dev.sidecarinjector.api.snapshot.Route;
import dev.sidecarinjector.api.snapshot.RouteMatch;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.StringMatch;
import dev.sidecarinjector.api.snapshot.WeightedCluster;
import dev.sidecarinjector.api.snapshot.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders of snapshot parts for the traffic-management tests. */
public final class MeshFixtures {

    public static final ServiceRef REVIEWS = new ServiceRef("reviews.default.svc.cluster.local", "reviews", "default");

    private MeshFixtures() {
    }

    public static Workload workload(String namespace, Map<String, String> labels) {
        return new Workload(namespace, "client-1", "client", "default", "client", "v1", "10.0.0.9", labels);
    }

    /** {@code count} endpoints 10.0.1.1, 10.0.1.2, ... on port 9080. */
    public static List<Endpoint> endpoints(int count) {
        var endpoints = new ArrayList<Endpoint>();
        for (var i = 1; i <= count; i++) {
            endpoints.add(new Endpoint("10.0.1." + i, 9080, null));
        }
        return endpoints;
    }

    public static Cluster cluster(String name, LoadBalancer lb, ConnectionPool pool, OutlierDetection outlier, List<Endpoint> endpoints) {
        return new Cluster(name, REVIEWS, 9080, null, Protocol.HTTP, lb, pool, outlier, endpoints);
    }

    public static Cluster cluster(String name, int endpoints) {
        return cluster(name, LoadBalancer.ROUND_ROBIN, ConnectionPool.DEFAULT, null, endpoints(endpoints));
    }

    public static RouteMatch uri(StringMatch uri) {
        return match(uri, Map.of(), Map.of(), Map.of());
    }

    public static RouteMatch match(StringMatch uri, Map<String, StringMatch> headers, Map<String, StringMatch> withoutHeaders,
                                   Map<String, StringMatch> queryParams) {
        return new RouteMatch(uri, false, null, null, null, headers, withoutHeaders, queryParams, 0, Map.of(), null);
    }

    public static Route route(String name, List<RouteMatch> matches, String... clustersAndWeights) {
        var destinations = new ArrayList<WeightedCluster>();
        for (var i = 0; i < clustersAndWeights.length; i += 2) {
            destinations.add(new WeightedCluster(clustersAndWeights[i], Integer.parseInt(clustersAndWeights[i + 1]), Headers.NONE));
        }
        return new Route(name, matches, destinations, null, 0, RetryPolicy.NONE, null, null, Headers.NONE);
    }
}
