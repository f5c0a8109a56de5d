package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * A set of interchangeable endpoints with one policy, named as Istio names Envoy's clusters:
 * {@code outbound|9080|v1|reviews.default.svc.cluster.local} (the subset empty for the whole Service).
 * {@code outlierDetection} is null when the DestinationRule sets none; {@code tls} is how its endpoints are reached
 * (written only when not {@code AUTO}); {@code consistentHash} is set exactly when the load balancer is
 * {@link LoadBalancer#hashed() a hash table}.
 */
public record Cluster(String name, ServiceRef service, int port, String subset, Protocol protocol, LoadBalancer loadBalancer,
                      ConnectionPool connectionPool, OutlierDetection outlierDetection, List<Endpoint> endpoints, ClusterTls tls,
                      ConsistentHash consistentHash)
        implements JsonWriter.Writable {

    public Cluster {
        endpoints = List.copyOf(endpoints);
        if (loadBalancer != null && loadBalancer.hashed() != (consistentHash != null)) {
            throw new IllegalArgumentException(name + ": a " + loadBalancer + " cluster " + (consistentHash == null ? "needs" : "takes no")
                    + " consistentHash");
        }
    }

    /** A cluster that does not balance by a hash. */
    public Cluster(String name, ServiceRef service, int port, String subset, Protocol protocol, LoadBalancer loadBalancer,
                   ConnectionPool connectionPool, OutlierDetection outlierDetection, List<Endpoint> endpoints, ClusterTls tls) {
        this(name, service, port, subset, protocol, loadBalancer, connectionPool, outlierDetection, endpoints, tls, null);
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
        var balancer = json.choice("loadBalancer", LoadBalancer.class, LoadBalancer.LEAST_REQUEST);
        var hash = json.object("consistentHash", object -> ConsistentHash.read(object, balancer));
        if (balancer.hashed() != (hash != null)) {
            throw json.error("consistentHash", balancer.hashed() ? "missing: a " + balancer + " cluster hashes by it"
                    : "is set, but the load balancer is " + balancer);
        }
        return new Cluster(json.string("name"), json.object("service", ServiceRef::read), (int) json.number("port", 0, 0, Limits.MAX_PORT),
                json.string("subset", null), json.choice("protocol", Protocol.class, Protocol.TCP), balancer,
                pool == null ? ConnectionPool.DEFAULT : pool, json.object("outlierDetection", OutlierDetection::read),
                json.list("endpoints", Endpoint::read), json.choice("tls", ClusterTls.class, ClusterTls.AUTO), hash);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("name", name).field("service", service).nonZero("port", port).field("subset", subset)
                .field("protocol", protocol).field("loadBalancer", loadBalancer).field("connectionPool", connectionPool)
                .field("consistentHash", consistentHash).field("outlierDetection", outlierDetection)
                .field("tls", tls == ClusterTls.AUTO ? null : tls).field("endpoints", endpoints)
                .endObject();
    }
}
