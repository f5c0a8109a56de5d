package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * A set of interchangeable endpoints with one policy, named as Istio names Envoy's clusters:
 * {@code outbound|9080|v1|reviews.default.svc.cluster.local} (the subset empty for the whole Service).
 * {@code outlierDetection} is null when the DestinationRule sets none; {@code tls} is how its endpoints are reached
 * (written only when not {@code AUTO}).
 */
public record Cluster(String name, ServiceRef service, int port, String subset, Protocol protocol, LoadBalancer loadBalancer,
                      ConnectionPool connectionPool, OutlierDetection outlierDetection, List<Endpoint> endpoints, ClusterTls tls)
        implements JsonWriter.Writable {

    public Cluster {
        endpoints = List.copyOf(endpoints);
    }

    /** A cluster with Istio's auto mTLS (no {@code trafficPolicy.tls}). */
    public Cluster(String name, ServiceRef service, int port, String subset, Protocol protocol, LoadBalancer loadBalancer,
                   ConnectionPool connectionPool, OutlierDetection outlierDetection, List<Endpoint> endpoints) {
        this(name, service, port, subset, protocol, loadBalancer, connectionPool, outlierDetection, endpoints, ClusterTls.AUTO);
    }

    /** Istio's cluster name for a Service port and subset. */
    public static String outboundName(int port, String subset, String host) {
        return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
    }

    public static Cluster read(JsonObject json) {
        var pool = json.object("connectionPool", ConnectionPool::read);
        return new Cluster(json.string("name"), json.object("service", ServiceRef::read), (int) json.number("port", 0, 0, Limits.MAX_PORT),
                json.string("subset", null), json.choice("protocol", Protocol.class, Protocol.TCP),
                json.choice("loadBalancer", LoadBalancer.class, LoadBalancer.LEAST_REQUEST),
                pool == null ? ConnectionPool.DEFAULT : pool, json.object("outlierDetection", OutlierDetection::read),
                json.list("endpoints", Endpoint::read), json.choice("tls", ClusterTls.class, ClusterTls.AUTO));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("name", name).field("service", service).nonZero("port", port).field("subset", subset)
                .field("protocol", protocol).field("loadBalancer", loadBalancer).field("connectionPool", connectionPool)
                .field("outlierDetection", outlierDetection).field("tls", tls == ClusterTls.AUTO ? null : tls).field("endpoints", endpoints)
                .endObject();
    }
}
