package dev.sidecarinjector.api.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.json.JsonException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    static final ServiceRef REVIEWS = new ServiceRef("reviews.default.svc.cluster.local", "reviews", "default");

    static Snapshot reviews() {
        var client = new Workload("default", "productpage-1", "productpage", "bookinfo-productpage", "productpage", "v1",
                "10.0.0.9", Map.of("app", "productpage", "version", "v1"));
        var v1 = new Workload("default", "reviews-v1-1", "reviews-v1", "default", "reviews", "v1", "10.0.0.11", Map.of());
        var match = new RouteMatch(StringMatch.prefix("/api"), false, StringMatch.exact("GET"), null, null,
                Map.of("x-canary", StringMatch.regex("yes|true")), Map.of(), Map.of("debug", StringMatch.exact("1")), 0,
                Map.of("app", "productpage"), null);
        var canary = new Route("default/reviews.0", List.of(match),
                List.of(new WeightedCluster("outbound|9080|v1|reviews.default.svc.cluster.local", 90, Headers.NONE),
                        new WeightedCluster("outbound|9080|v2|reviews.default.svc.cluster.local", 10,
                                new Headers(new HeaderEdit(Map.of("x-version", "v2"), Map.of(), List.of()), HeaderEdit.NONE))),
                null, 10_000, new RetryPolicy(3, 2_000, List.of("5xx", "reset"), List.of(503)), new Fault(0, 0, 503, 0.5),
                new Rewrite("/v2/api", null), new Headers(HeaderEdit.NONE, new HeaderEdit(Map.of(), Map.of("x-served-by", "mesh"), List.of("server"))));
        var moved = new Route("default/reviews.1", List.of(), List.of(), new Redirect("/new", null, "https", 0, 308), 0,
                RetryPolicy.NONE, null, null, Headers.NONE);
        var pool = new ConnectionPool(100, 10_000, 100, 1000, 0, 3, 3_600_000);
        var outlier = new OutlierDetection(5, 0, 30_000, 30_000, 50, 0);
        return new Snapshot("7", client,
                List.of(new Listener("10.96.0.50", 9080, Protocol.HTTP, REVIEWS, "reviews.default.svc.cluster.local:9080", null),
                        new Listener("10.96.0.60", 5432, Protocol.TCP, null, null, "outbound|5432||db.default.svc.cluster.local")),
                List.of(new RouteTable("reviews.default.svc.cluster.local:9080", "default/reviews", List.of(canary, moved))),
                List.of(new Cluster("outbound|9080|v1|reviews.default.svc.cluster.local", REVIEWS, 9080, "v1", Protocol.HTTP,
                                LoadBalancer.ROUND_ROBIN, pool, outlier, List.of(new Endpoint("10.0.0.11", 9080, v1))),
                        new Cluster("outbound|9080|v2|reviews.default.svc.cluster.local", REVIEWS, 9080, "v2", Protocol.HTTP,
                                LoadBalancer.LEAST_REQUEST, ConnectionPool.DEFAULT, null, List.of()),
                        new Cluster("outbound|5432||db.default.svc.cluster.local", null, 5432, null, Protocol.TCP,
                                LoadBalancer.LEAST_REQUEST, ConnectionPool.DEFAULT, null, List.of(new Endpoint("10.0.0.20", 5432, null)))),
                List.of(new InboundPort(9080, Protocol.HTTP, List.of(REVIEWS))));
    }

    @Test
    void everyFieldSurvivesTheJsonRoundTrip() {
        var snapshot = reviews();
        var pretty = snapshot.toJson(true);
        assertEquals(snapshot, Snapshot.fromJson(pretty));
        assertEquals(snapshot, Snapshot.fromJson(snapshot.toJson(false)));
        assertEquals(pretty, Snapshot.fromJson(pretty).toJson(true));
    }

    @Test
    void stringMatchesMatchAsIstioSays() {
        assertTrue(StringMatch.prefix("/api").matches("/api/v1", false));
        assertFalse(StringMatch.prefix("/api").matches("/API/v1", false));
        assertTrue(StringMatch.prefix("/api").matches("/API/v1", true));
        assertTrue(StringMatch.exact("GET").matches("GET", false));
        assertTrue(StringMatch.regex("v[0-9]+").matches("v12", false));
        assertFalse(StringMatch.regex("v[0-9]+").matches("xv12", false), "a regex matches the whole value");
    }

    @Test
    void aBadFieldIsNamedWithItsPathAndValue() {
        var good = reviews().toJson(false);
        assertRejected(good.replace("\"port\":9080,\"protocol\":\"HTTP\"", "\"port\":90800,\"protocol\":\"HTTP\""),
                "listeners[0].port: 90800 is not a whole number in 1..65535");
        assertRejected(good.replace("\"regex\":\"yes|true\"", "\"regex\":\"(yes\""),
                "routeTables[0].routes[0].matches[0].headers.x-canary.regex: \"(yes\" is not an RE2 regular expression: missing closing ): `(yes`");
        assertRejected(good.replace("\"regex\":\"yes|true\"", "\"regex\":\"(a)\\\\1\""),
                "routeTables[0].routes[0].matches[0].headers.x-canary.regex: \"(a)\\1\" uses a backreference (`\\1`), which RE2 (Istio's regex engine) does not support");
        assertRejected(good.replace("\"retryOn\":[\"5xx\"", "\"retryOn\":[\"sometimes\""),
                "routeTables[0].routes[0].retries.retryOn[0]: \"sometimes\" is not one of 5xx, gateway-error, reset, connect-failure, "
                        + "refused-stream, retriable-status-codes, unavailable, cancelled, deadline-exceeded, internal, resource-exhausted, retriable-4xx");
        assertRejected(good.replace("\"loadBalancer\":\"ROUND_ROBIN\"", "\"loadBalancer\":\"WEIGHTED\""),
                "clusters[0].loadBalancer: \"WEIGHTED\" is not one of LEAST_REQUEST, ROUND_ROBIN, RANDOM, PASSTHROUGH, RING_HASH, MAGLEV");
        assertRejected(good.replace("\"address\":\"10.0.0.11\"", "\"address\":\"10.0.0.256\""),
                "clusters[0].endpoints[0].address: \"10.0.0.256\" is not an IPv4 address");
    }

    @Test
    void durationsAndRetriesStopAtTheLimitsTheControlPlaneChecks() {
        var good = reviews().toJson(false);
        var longest = good.replace("\"timeoutMs\":10000", "\"timeoutMs\":" + Limits.MAX_DURATION_MS);
        assertEquals(Limits.MAX_DURATION_MS, Snapshot.fromJson(longest).routeTables().get(0).routes().get(0).timeoutMs());
        assertRejected(good.replace("\"timeoutMs\":10000", "\"timeoutMs\":" + (Limits.MAX_DURATION_MS + 1)),
                "routeTables[0].routes[0].timeoutMs: 9223372036855 is not a whole number in 0..9223372036854");
        assertRejected(good.replace("\"connectTimeoutMs\":10000,\"http1", "\"connectTimeoutMs\":9223372036855,\"http1"),
                "clusters[0].connectionPool.connectTimeoutMs: 9223372036855 is not a whole number in 1..9223372036854");
        assertRejected(good.replace("\"attempts\":3", "\"attempts\":" + (Limits.MAX_RETRY_ATTEMPTS + 1)),
                "routeTables[0].routes[0].retries.attempts: 1001 is not a whole number in 0..1000");
    }

    @Test
    void everyReferenceMustResolve() {
        var good = reviews().toJson(false);
        assertRejected(good.replace("\"cluster\":\"outbound|9080|v2|", "\"cluster\":\"outbound|9080|v3|"),
                "routeTables[0].routes[0].destinations[1].cluster: \"outbound|9080|v3|reviews.default.svc.cluster.local\" is not a cluster of this snapshot");
        assertRejected(good.replace("\"routeTable\":\"reviews.default.svc.cluster.local:9080\"", "\"routeTable\":\"nope\""),
                "listeners[0].routeTable: \"nope\" is not a route table of this snapshot");
        assertRejected(good.replace("\"address\":\"10.96.0.60\",\"port\":5432", "\"address\":\"10.96.0.50\",\"port\":9080"),
                "listeners[1]: 10.96.0.50:9080 is a duplicate");
    }

    @Test
    void aRouteNeedsDestinationsOrARedirect() {
        var good = reviews().toJson(false);
        assertRejected(good.replace(",\"redirect\":{\"uri\":\"/new\",\"scheme\":\"https\",\"status\":308}", ""),
                "routeTables[0].routes[1].destinations: a route needs one of destinations, a redirect or a direct response");
        assertRejected(good.replace(",\"redirect\":{\"uri\":\"/new\",\"scheme\":\"https\",\"status\":308}",
                        ",\"redirect\":{\"uri\":\"/new\",\"status\":308},\"directResponse\":{\"status\":410}"),
                "routeTables[0].routes[1].destinations: a route needs one of destinations, a redirect or a direct response");
    }

    @Test
    void aDirectResponseCarriesItsStatusAndBody() {
        var good = reviews().toJson(false);
        var redirect = ",\"redirect\":{\"uri\":\"/new\",\"scheme\":\"https\",\"status\":308}";
        var text = Snapshot.fromJson(good.replace(redirect, ",\"directResponse\":{\"status\":410,\"text\":\"gone \\u00e9\"}"));
        var direct = text.routeTables().get(0).routes().get(1).directResponse();
        assertEquals(new DirectResponse(410, "gone \u00e9", null), direct);
        assertEquals("gone \u00e9", new String(direct.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(text, Snapshot.fromJson(text.toJson(true)));
        var bytes = Snapshot.fromJson(good.replace(redirect, ",\"directResponse\":{\"status\":200,\"base64\":\"AAEC/w==\"}"));
        assertEquals(List.of((byte) 0, (byte) 1, (byte) 2, (byte) -1), asList(bytes.routeTables().get(0).routes().get(1).directResponse().body()));
        assertEquals(0, Snapshot.fromJson(good.replace(redirect, ",\"directResponse\":{\"status\":204}"))
                .routeTables().get(0).routes().get(1).directResponse().body().length);
        assertRejected(good.replace(redirect, ",\"directResponse\":{\"status\":600}"),
                "routeTables[0].routes[1].directResponse.status: 600 is not a whole number in 200..599");
        assertRejected(good.replace(redirect, ",\"directResponse\":{\"status\":200,\"base64\":\"not base64!\"}"),
                "routeTables[0].routes[1].directResponse.base64: is not base64: Illegal base64 character 20");
        assertRejected(good.replace(redirect, ",\"directResponse\":{\"status\":200,\"text\":\"a\",\"base64\":\"YQ==\"}"),
                "routeTables[0].routes[1].directResponse.base64: a direct response's body is text or base64, not both");
        assertRejected(good.replace(redirect, ",\"directResponse\":{\"status\":200,\"text\":\"" + "a".repeat(Limits.MAX_DIRECT_RESPONSE_BYTES + 1) + "\"}"),
                "routeTables[0].routes[1].directResponse.text: holds 1048576 bytes, over 1048575");
    }

    @Test
    void aConsistentHashClusterCarriesItsKeyAndTable() {
        var good = reviews().toJson(false);
        var balancer = "\"loadBalancer\":\"ROUND_ROBIN\"";
        var ring = Snapshot.fromJson(good.replace(balancer, "\"loadBalancer\":\"RING_HASH\",\"consistentHash\":{\"source\":\"COOKIE\","
                + "\"name\":\"user\",\"cookiePath\":\"/\",\"cookieTtlMs\":0,\"size\":2048}"));
        assertEquals(new ConsistentHash(ConsistentHash.Source.COOKIE, "user", "/", 0L, 2048), ring.clusters().get(0).consistentHash());
        assertEquals(ring, Snapshot.fromJson(ring.toJson(true)));
        var maglev = Snapshot.fromJson(good.replace(balancer, "\"loadBalancer\":\"MAGLEV\",\"consistentHash\":{\"source\":\"SOURCE_IP\"}"));
        assertEquals(new ConsistentHash(ConsistentHash.Source.SOURCE_IP, null, null, null, ConsistentHash.DEFAULT_MAGLEV_SIZE),
                maglev.clusters().get(0).consistentHash());
        assertRejected(good.replace(balancer, "\"loadBalancer\":\"RING_HASH\""),
                "clusters[0].consistentHash: missing: a RING_HASH cluster hashes by it");
        assertRejected(good.replace(balancer, balancer + ",\"consistentHash\":{\"source\":\"SOURCE_IP\"}"),
                "clusters[0].consistentHash: is set, but the load balancer is ROUND_ROBIN");
        assertRejected(good.replace(balancer, "\"loadBalancer\":\"MAGLEV\",\"consistentHash\":{\"source\":\"SOURCE_IP\",\"size\":65536}"),
                "clusters[0].consistentHash.size: 65536 is not a prime number (a Maglev table's size must be)");
        assertRejected(good.replace(balancer, "\"loadBalancer\":\"RING_HASH\",\"consistentHash\":{\"source\":\"HEADER\"}"),
                "clusters[0].consistentHash.name: missing: a HEADER hash names its header");
        assertRejected(good.replace(balancer, "\"loadBalancer\":\"RING_HASH\",\"consistentHash\":{\"source\":\"SOURCE_IP\",\"size\":131073}"),
                "clusters[0].consistentHash.size: 131073 is not a whole number in 1..131072");
    }

    @Test
    void aRegexRewriteIsCheckedAsEnvoyChecksIt() {
        var good = reviews().toJson(false);
        var rewrite = "\"rewrite\":{\"uri\":\"/v2/api\"}";
        var regex = Snapshot.fromJson(good.replace(rewrite, "\"rewrite\":{\"regexMatch\":\"^/api/(v[0-9]+)/(.*)$\",\"regexRewrite\":\"/\\\\2?version=\\\\1\"}"));
        assertEquals(new Rewrite(null, null, "^/api/(v[0-9]+)/(.*)$", "/\\2?version=\\1"), regex.routeTables().get(0).routes().get(0).rewrite());
        assertEquals(regex, Snapshot.fromJson(regex.toJson(true)));
        assertRejected(good.replace(rewrite, "\"rewrite\":{\"regexMatch\":\"^/(a)$\",\"regexRewrite\":\"/\\\\2\"}"),
                "routeTables[0].routes[0].rewrite.regexRewrite: \"/\\2\" refers to group \\2, but the regex has 1 group");
        assertRejected(good.replace(rewrite, "\"rewrite\":{\"regexMatch\":\"^/(a$\",\"regexRewrite\":\"/\"}"),
                "routeTables[0].routes[0].rewrite.regexMatch: \"^/(a$\" is not an RE2 regular expression: missing closing ): `^/(a$`");
        assertRejected(good.replace(rewrite, "\"rewrite\":{\"regexMatch\":\"a\"}"),
                "routeTables[0].routes[0].rewrite.regexMatch: a regex rewrite needs both regexMatch and regexRewrite");
        assertEquals("ends in a lone \\ (write \\\\ for a backslash)", Rewrite.substitutionProblem("/a\\", 0));
        assertEquals("has \\n, which is neither a group (\\0 to \\9) nor \\\\", Rewrite.substitutionProblem("\\n", 0));
    }

    @Test
    void aRedirectDerivesItsPortOrSetsItNotBoth() {
        var good = reviews().toJson(false);
        var redirect = "\"redirect\":{\"uri\":\"/new\",\"scheme\":\"https\",\"status\":308}";
        var derived = Snapshot.fromJson(good.replace(redirect, "\"redirect\":{\"scheme\":\"https\",\"derivePort\":\"REQUEST_PORT\",\"status\":308}"));
        assertEquals(new Redirect(null, null, "https", 0, 308, Redirect.DerivePort.REQUEST_PORT), derived.routeTables().get(0).routes().get(1).redirect());
        assertEquals(derived, Snapshot.fromJson(derived.toJson(true)));
        assertRejected(good.replace(redirect, "\"redirect\":{\"port\":8443,\"derivePort\":\"PROTOCOL_DEFAULT\",\"status\":308}"),
                "routeTables[0].routes[1].redirect.derivePort: a redirect has port or derivePort, not both");
    }

    @Test
    void aTcpListenerCarriesItsTcpRoutes() {
        var good = reviews().toJson(false);
        var cluster = "\"cluster\":\"outbound|5432||db.default.svc.cluster.local\"";
        var routed = Snapshot.fromJson(good.replace(cluster, cluster + ",\"tcpRoutes\":[{\"name\":\"default/db.tcp.0\",\"matches\":"
                + "[{\"destinationSubnets\":[\"10.96.0.0/16\"],\"sourceLabels\":{\"app\":\"productpage\"}}],\"destinations\":"
                + "[{\"cluster\":\"outbound|5432||db.default.svc.cluster.local\",\"weight\":100}]}]"));
        var route = routed.listeners().get(1).tcpRoutes().getFirst();
        assertEquals(new TcpMatch(List.of("10.96.0.0/16"), 0, Map.of("app", "productpage"), null), route.matches().getFirst());
        assertTrue(route.matches().getFirst().holdsFor(dev.sidecarinjector.api.net.Ipv4.parse("10.96.0.60"), 5432));
        assertFalse(route.matches().getFirst().holdsFor(dev.sidecarinjector.api.net.Ipv4.parse("10.97.0.60"), 5432));
        assertEquals(routed, Snapshot.fromJson(routed.toJson(true)));
        assertRejected(good.replace(cluster, cluster + ",\"tcpRoutes\":[{\"name\":\"r\",\"destinations\":[{\"cluster\":\"nope\",\"weight\":1}]}]"),
                "listeners[1].tcpRoutes[0].destinations[0].cluster: \"nope\" is not a cluster of this snapshot");
        assertRejected(good.replace(cluster, cluster + ",\"tcpRoutes\":[{\"name\":\"r\",\"matches\":[{\"destinationSubnets\":[\"10.0.0.0/40\"]}],"
                        + "\"destinations\":[{\"cluster\":\"outbound|5432||db.default.svc.cluster.local\",\"weight\":1}]}]"),
                "listeners[1].tcpRoutes[0].matches[0].destinationSubnets[0]: \"10.0.0.0/40\" has a prefix length over 32");
        assertRejected(good.replace(cluster, cluster + ",\"tcpRoutes\":[{\"name\":\"r\",\"destinations\":[]}]"),
                "listeners[1].tcpRoutes[0].destinations: missing: a tcp route sends to at least one destination");
    }

    private static List<Byte> asList(byte[] bytes) {
        var list = new java.util.ArrayList<Byte>();
        for (var b : bytes) {
            list.add(b);
        }
        return list;
    }

    @Test
    void unknownFieldsAreIgnoredSoOlderProxiesReadNewerSnapshots() {
        var json = reviews().toJson(false).replaceFirst("\\{", "{\"addedLater\":{\"x\":1},");
        assertEquals(reviews(), Snapshot.fromJson(json));
    }

    private static void assertRejected(String json, String message) {
        assertEquals(message, assertThrows(JsonException.class, () -> Snapshot.fromJson(json)).getMessage());
    }
}
