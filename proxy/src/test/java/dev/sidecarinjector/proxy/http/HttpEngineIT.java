package dev.sidecarinjector.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.run.DestinationResolver;
import dev.sidecarinjector.proxy.run.ProxySettings;
import dev.sidecarinjector.proxy.run.SidecarProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP engine through the real proxy on loopback: connections to the proxy's outbound port are taken as sent to
 * the Service {@code reviews} (10.96.0.10:9080, an address that exists only in the snapshot), whose clusters v1 and
 * v2 are two local servers. Interception itself is the netns tests' business.
 */
class HttpEngineIT {

    private static final String SERVICE_IP = "10.96.0.10";
    private static final String ROUTE = """
            {"name": "r", %s "destinations": [%s]%s}""";

    private final SnapshotHolder holder = new SnapshotHolder();
    private TestUpstream v1;
    private TestUpstream v2;
    private SidecarProxy proxy;
    /** Every accepted connection's original destination: the Service, unless a test says otherwise. */
    private volatile InetSocketAddress destination;

    @BeforeEach
    void start() throws Exception {
        v1 = new TestUpstream("v1");
        v2 = new TestUpstream("v2");
        var settings = new ProxySettings(0, 0, 0, 0, Duration.ofSeconds(1), false, 2000, Duration.ofSeconds(2), 100_000, 0);
        destination = new InetSocketAddress(InetAddress.getByName(SERVICE_IP), 9080);
        DestinationResolver toService = accepted -> destination;
        proxy = new SidecarProxy(settings, toService, holder).start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        v1.close();
        v2.close();
    }

    /** Installs a snapshot with one route table of {@code routes} (JSON) and the clusters v1, v2 (and more). */
    private void configure(String routes, String clusterPolicy, String... extraClusters) {
        var clusters = new ArrayList<String>();
        clusters.add(cluster("v1", clusterPolicy, v1.port()));
        clusters.add(cluster("v2", clusterPolicy, v2.port()));
        clusters.addAll(java.util.List.of(extraClusters));
        var json = """
                {"version": "t%d", "workload": {"namespace": "default", "name": "client"},
                 "listeners": [{"address": "%s", "port": 9080, "protocol": "HTTP",
                   "service": {"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"},
                   "routeTable": "reviews:9080"}],
                 "routeTables": [{"name": "reviews:9080", "routes": [%s]}],
                 "clusters": [%s], "inbound": []}""".formatted(System.nanoTime(), SERVICE_IP, routes, String.join(",", clusters));
        holder.swap(Snapshot.fromJson(json));
    }

    static String cluster(String subset, String policy, int... ports) {
        var endpoints = new ArrayList<String>();
        for (var port : ports) {
            endpoints.add("""
                    {"address": "127.0.0.1", "port": %d, "workload": {"namespace": "default", "name": "reviews-%s", "canonicalRevision": "%s"}}"""
                    .formatted(port, subset, subset));
        }
        return """
                {"name": "%s", "service": {"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"},
                 "port": 9080, "subset": "%s", "protocol": "HTTP", "loadBalancer": "ROUND_ROBIN" %s, "endpoints": [%s]}"""
                .formatted(subset, subset, policy.isEmpty() ? "" : ", " + policy, String.join(",", endpoints));
    }

    private static String route(String destinations, String extra) {
        return ROUTE.formatted("", destinations, extra.isEmpty() ? "" : ", " + extra);
    }

    private static String to(String cluster, int weight) {
        return """
                {"cluster": "%s", "weight": %d}""".formatted(cluster, weight);
    }

    private RawHttp client() throws IOException {
        return new RawHttp(proxy.outboundPort());
    }

    @Test
    void weightedDestinationsSplitTheRequestsOverKeptAliveConnections() throws Exception {
        configure(route(to("v1", 90) + "," + to("v2", 10), ""), "");
        var v2Count = 0;
        try (var client = client()) {
            for (var i = 0; i < 1000; i++) {
                var response = client.get("/");
                assertEquals(200, response.status());
                if (response.body().equals("v2")) {
                    v2Count++;
                }
            }
        }
        // Binomial(1000, 0.1): sd 9.5; 4 sd either side.
        assertTrue(v2Count >= 62 && v2Count <= 138, "v2 got " + v2Count + " of 1000");
        assertTrue(v1.connections.size() <= 2, "upstream connections are reused: " + v1.connections.size());
        assertEquals(1000, v1.requests.get() + v2.requests.get());
    }

    @Test
    void everyRequestIsCountedInIstiosMetricsWithItsDestinationAndFlag() throws Exception {
        configure(route(to("v1", 100), "\"timeoutMs\": 1000"), "");
        try (var client = client()) {
            for (var i = 0; i < 5; i++) {
                assertEquals(200, client.get("/").status());
            }
            assertEquals(504, client.get("/slow?ms=10000").status());
        }
        var text = proxy.metrics().prometheusText();
        var ok = java.util.regex.Pattern.compile("istio_requests_total\\{reporter=\"source\",source_workload=\"client\",.*"
                + "destination_workload=\"reviews-v1\",.*destination_version=\"v1\",destination_service=\"reviews.default.svc.cluster.local\",.*"
                + "request_protocol=\"http\",response_code=\"200\",.*response_flags=\"-\".*} 5\n");
        assertTrue(ok.matcher(text).find(), text);
        assertTrue(text.matches("(?s).*istio_requests_total\\{[^}]*response_code=\"504\"[^}]*response_flags=\"UT\"[^}]*} 1\n.*"), text);
    }

    @Test
    void aNewWeightAppliesToTheNextRequestOfAnOpenConnection() throws Exception {
        configure(route(to("v1", 100), ""), "");
        try (var client = client()) {
            assertEquals("v1", client.get("/").body());
            configure(route(to("v2", 100), ""), "");
            assertEquals("v2", client.get("/").body());
        }
    }

    @Test
    void failedTriesAreRetriedOnAnotherEndpointUntilOneSucceeds() throws Exception {
        configure(route(to("v1", 100), "\"retries\": {\"attempts\": 3, \"retryOn\": [\"5xx\"]}"), "");
        try (var client = client()) {
            var response = client.get("/fail?n=2&key=a");
            assertEquals(200, response.status());
            assertEquals(3, v1.requests.get(), "two failed tries and the successful one");
            var exhausted = client.get("/fail?n=9&key=b");
            assertEquals(503, exhausted.status(), "after 1 + 3 tries the last answer is passed on");
        }
    }

    @Test
    void theRouteTimeoutAnswers504AndTheConnectionServesTheNextRequest() throws Exception {
        configure(route(to("v1", 100), "\"timeoutMs\": 1000"), "");
        try (var client = client()) {
            var response = client.get("/slow?ms=10000");
            assertEquals(504, response.status());
            assertEquals("upstream request timeout", response.body());
            assertEquals("v1", client.get("/").body());
        }
    }

    @Test
    void thePerTryTimeoutRetries() throws Exception {
        configure(route(to("v1", 100), "\"retries\": {\"attempts\": 1, \"perTryTimeoutMs\": 1000, \"retryOn\": [\"reset\"]}"), "");
        try (var client = client()) {
            assertEquals(504, client.get("/slow?ms=8000").status());
            assertEquals(2, v1.requests.get(), "the first try and one retry, each cut at 1 s");
        }
    }

    @Test
    void noMatchingRouteIs404AndNoEndpointIs503() throws Exception {
        configure(ROUTE.formatted("\"matches\": [{\"uri\": {\"prefix\": \"/api\"}}],", to("v1", 100), ""), "",
                cluster("empty", ""));
        try (var client = client()) {
            assertEquals(404, client.get("/other").status());
            assertEquals(200, client.get("/api").status());
        }
        configure(route(to("empty", 100), ""), "", cluster("empty", ""));
        try (var client = client()) {
            var response = client.get("/");
            assertEquals(503, response.status());
            assertEquals("no healthy upstream", response.body());
        }
    }

    @Test
    void aFullConnectionPoolAnswers503OverloadedAtOnce() throws Exception {
        configure(route(to("v1", 100), ""), "\"connectionPool\": {\"maxConnections\": 1, \"http1MaxPendingRequests\": 1}");
        var slow = new ArrayList<CompletableFuture<Integer>>();
        var clients = new ArrayList<RawHttp>();
        try {
            for (var i = 0; i < 2; i++) {
                var client = client();
                clients.add(client);
                client.send("GET /slow?ms=1500 HTTP/1.1\r\nhost: reviews\r\n\r\n");
                slow.add(CompletableFuture.supplyAsync(() -> status(client)));
                // The first holds the one connection, the second waits as pending: then the pool is full. Each is awaited
                // in its own counter (the sum of both passed 1 for a moment before the second was counted as pending).
                var breaker = holder.current().cluster("v1").breaker();
                for (var wait = 0; wait < 500 && (i == 0 ? breaker.activeRequests() : breaker.pendingRequests()) < 1; wait++) {
                    Thread.sleep(10);
                }
            }
            assertEquals(1, holder.current().cluster("v1").breaker().pendingRequests());
            try (var third = client()) {
                var response = third.get("/");
                assertEquals(503, response.status());
                assertEquals("true", response.header("x-envoy-overloaded"));
            }
            for (var future : slow) {
                assertEquals(200, future.get(10, TimeUnit.SECONDS), "the pending request is served once the connection frees");
            }
        } finally {
            for (var client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aFailedConnectFreesItsConnectionSlot() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var refused = """
                {"name": "refused", "service": {"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"},
                 "port": 9080, "protocol": "HTTP", "loadBalancer": "ROUND_ROBIN", "connectionPool": {"maxConnections": 1},
                 "endpoints": [{"address": "127.0.0.1", "port": %d}]}""".formatted(closedPort);
        configure(route(to("refused", 100), "\"retries\": {\"attempts\": 0}"), "", refused);
        try (var client = client()) {
            for (var i = 0; i < 3; i++) {
                var response = client.get("/");
                assertEquals(503, response.status());
                assertTrue(response.body().endsWith("reset reason: connection failure"), response.body());
            }
        }
        assertEquals(0, holder.current().cluster("refused").breaker().activeConnections());
        assertTrue(proxy.metrics().prometheusText().matches("(?s).*response_code=\"503\"[^}]*response_flags=\"UF\"[^}]*} 3\n.*"));
    }

    @Test
    void aRequestWaitingForASlotTakenByIdleConnectionsGetsOneBack() throws Exception {
        var pair = """
                {"name": "pair", "service": {"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"},
                 "port": 9080, "protocol": "HTTP", "loadBalancer": "ROUND_ROBIN" %s, "endpoints": [{"address": "127.0.0.1", "port": %d}]}""";
        configure(route(to("pair", 100), ""), "", pair.formatted("", v2.port()));
        var clients = new ArrayList<RawHttp>();
        try {
            for (var i = 0; i < 4; i++) {
                var client = client();
                clients.add(client);
                assertEquals("v2", client.get("/").body());
            }
            // The same cluster now has one slot, its endpoint is v1, and the connections to v2 sit idle holding slots.
            configure(route(to("pair", 100), ""), "",
                    pair.formatted(", \"connectionPool\": {\"maxConnections\": 1, \"http1MaxPendingRequests\": 1}", v1.port()));
            try (var client = client()) {
                assertEquals("v1", client.get("/").body(), "the idle connections gave their slots back");
            }
        } finally {
            for (var client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aClientThatLeavesBeforeItsAnswerIsCountedAsDownstreamTermination() throws Exception {
        configure(route(to("v1", 100), ""), "");
        try (var client = client()) {
            client.send("GET /slow?ms=2000 HTTP/1.1\r\nhost: reviews\r\n\r\n");
            Thread.sleep(300);
        }
        var pattern = java.util.regex.Pattern.compile("istio_requests_total\\{[^}]*response_code=\"0\"[^}]*response_flags=\"DC\"[^}]*} 1\n");
        var counted = false;
        for (var wait = 0; wait < 100 && !counted; wait++) {
            counted = pattern.matcher(proxy.metrics().prometheusText()).find();
            Thread.sleep(20);
        }
        assertTrue(counted, proxy.metrics().prometheusText());
    }

    @Test
    void anIdlePooledConnectionClosesAfterTheDestinationRulesIdleTimeoutHoweverOftenItWasReused() throws Exception {
        configure(route(to("v1", 100), ""), "\"connectionPool\": {\"idleTimeoutMs\": 1000}");
        try (var client = client()) {
            for (var i = 0; i < 200; i++) {
                assertEquals("v1", client.get("/").body());
            }
            var breaker = holder.current().cluster("v1").breaker();
            assertEquals(1, breaker.activeConnections(), "one kept-alive upstream connection served them all");
            for (var wait = 0; wait < 300 && breaker.activeConnections() > 0; wait++) {
                Thread.sleep(10);
            }
            assertEquals(0, breaker.activeConnections(), "idle for the timeout: closed");
            assertEquals("v1", client.get("/").body(), "the next request opens a new one");
        }
    }

    private static int status(RawHttp client) {
        try {
            return client.read().status();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anEndpointThatKeepsFailingIsEjectedAndTrafficMovesToTheHealthyOne() throws Exception {
        var outlier = "\"outlierDetection\": {\"consecutive5xxErrors\": 3, \"intervalMs\": 1000, \"baseEjectionTimeMs\": 30000, \"maxEjectionPercent\": 100}";
        var both = """
                {"name": "pair", "service": {"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"},
                 "port": 9080, "protocol": "HTTP", "loadBalancer": "ROUND_ROBIN", %s,
                 "endpoints": [{"address": "127.0.0.1", "port": %d}, {"address": "127.0.0.1", "port": %d}]}"""
                .formatted(outlier, v1.port(), v2.port());
        try (var failing = new TestUpstream("bad", true)) {
            configure(route(to("pair", 100), ""), "", both.replace(String.valueOf(v2.port()), String.valueOf(failing.port())));
            try (var client = client()) {
                // Round robin: the broken endpoint gets every other request until its third 500 ejects it.
                var failures = 0;
                for (var i = 0; i < 6; i++) {
                    failures += client.get("/").status() == 500 ? 1 : 0;
                }
                assertEquals(3, failures);
                var ok = 0;
                for (var i = 0; i < 20; i++) {
                    ok += client.get("/").status() == 200 ? 1 : 0;
                }
                assertEquals(20, ok, "every request after the ejection goes to the healthy endpoint");
                assertEquals(3, failing.requests.get(), "the ejected endpoint gets nothing more");
            }
        }
    }

    @Test
    void hopByHopHeadersStopAtTheProxyAndARequestIdIsAdded() throws Exception {
        configure(route(to("v1", 100), ""), "");
        try (var client = client()) {
            var seen = client.get("/headers", "connection: keep-alive, x-secret", "x-secret: 1", "keep-alive: timeout=5",
                    "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").body();
            assertFalse(seen.contains("x-secret"), seen);
            assertFalse(seen.contains("keep-alive"), seen);
            assertTrue(seen.contains("traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), seen);
            assertTrue(seen.matches("(?s).*x-request-id: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n.*"), seen);
            var kept = client.get("/headers", "x-request-id: mine").body();
            assertTrue(kept.contains("x-request-id: mine\n"), kept);
        }
    }

    @Test
    void chunkedAndLargeBodiesGoThroughWhole() throws Exception {
        configure(route(to("v1", 100), "\"retries\": {\"attempts\": 2, \"retryOn\": [\"5xx\"]}"), "");
        try (var client = client()) {
            client.send("POST /echo HTTP/1.1\r\nhost: reviews\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            assertEquals("hello world", client.read().body());
            var large = "x".repeat(90_000);
            client.send("POST /echo HTTP/1.1\r\nhost: reviews\r\ncontent-length: " + large.length() + "\r\n\r\n" + large);
            assertEquals(large.length(), client.read().body().length());
        }
    }

    @Test
    void expectContinueIsAnsweredAndTheBodyFollows() throws Exception {
        configure(route(to("v1", 100), ""), "");
        try (var client = client()) {
            client.send("POST /echo HTTP/1.1\r\nhost: reviews\r\ncontent-length: 4\r\nexpect: 100-continue\r\n\r\n");
            assertEquals(100, client.read().status());
            client.send("ping");
            assertEquals("ping", client.read().body());
        }
    }

    @Test
    void oversizedHeadersAre431AndOversizedBodies413() throws Exception {
        configure(route(to("v1", 100), ""), "");
        try (var client = client()) {
            var response = client.get("/", "x-big: " + "a".repeat(70_000));
            assertEquals(431, response.status());
        }
        try (var client = client()) {
            client.send("POST /echo HTTP/1.1\r\nhost: reviews\r\ncontent-length: 200000\r\n\r\n");
            assertEquals(413, client.read().status());
        }
    }

    @Test
    void anHttp10ClientIsAnsweredInHttp10AndItsKeepAliveHonoured() throws Exception {
        configure(route(to("v1", 100), ""), "");
        try (var client = client()) {
            client.send("GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n");
            var response = client.read();
            assertEquals("v1", response.body());
            assertEquals("keep-alive", response.header("connection"));
            client.send("GET / HTTP/1.0\r\n\r\n");
            assertEquals("v1", client.read().body());
            assertTrue(client.closedByPeer(), "without keep-alive an HTTP/1.0 connection ends after the response");
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeoutButARequestInFlightIsNot() throws Exception {
        configure(route(to("v1", 100), ""), "");
        try (var client = client()) {
            assertEquals("v1", client.get("/slow?ms=3000").body(), "a request longer than the idle timeout is served");
            assertTrue(client.closedByPeer(), "then, idle for 2 s, the connection is closed");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        configure(route(to("v1", 50) + "," + to("v2", 50), ""), "");
        try (var client = client()) {
            client.send("GET /slow?ms=200 HTTP/1.1\r\nhost: r\r\n\r\nGET /headers HTTP/1.1\r\nhost: r\r\nx-n: 2\r\n\r\nGET /status?code=201 HTTP/1.1\r\nhost: r\r\n\r\n");
            assertEquals(200, client.read().status());
            assertTrue(client.read().body().contains("x-n: 2"));
            assertEquals(201, client.read().status());
        }
    }

    @Test
    void redirectsFaultsAndHeaderEditsAreAppliedByTheProxy() throws Exception {
        configure(ROUTE.formatted("\"matches\": [{\"uri\": {\"exact\": \"/old\"}}],", "", ", \"redirect\": {\"uri\": \"/new\", \"status\": 301}")
                + "," + ROUTE.formatted("\"matches\": [{\"uri\": {\"exact\": \"/teapot\"}}],", to("v1", 100),
                ", \"fault\": {\"abortStatus\": 418, \"abortPercent\": 100}")
                + "," + route(to("v1", 100), "\"headers\": {\"request\": {\"set\": {\"x-added\": \"yes\"}}, \"response\": {\"add\": {\"x-reply\": \"1\"}}}"), "");
        try (var client = client()) {
            var redirect = client.get("/old?q=1");
            assertEquals(301, redirect.status());
            assertEquals("http://reviews:9080/new?q=1", redirect.header("location"));
            assertEquals(418, client.get("/teapot").status());
            var edited = client.get("/headers");
            assertTrue(edited.body().contains("x-added: yes"), edited.body());
            assertEquals("1", edited.header("x-reply"));
        }
    }

    @Test
    void aDirectResponseIsAnsweredByTheProxyWithTheRoutesResponseHeaders() throws Exception {
        configure(ROUTE.formatted("\"matches\": [{\"uri\": {\"exact\": \"/gone\"}}],", "",
                        ", \"directResponse\": {\"status\": 410, \"text\": \"this page is gone\"},"
                                + " \"headers\": {\"response\": {\"set\": {\"content-type\": \"text/html\", \"content-length\": \"1\"},"
                                + " \"add\": {\"x-reason\": \"retired\"}}}")
                + "," + ROUTE.formatted("\"matches\": [{\"uri\": {\"exact\": \"/empty\"}}],", "", ", \"directResponse\": {\"status\": 204}")
                + "," + ROUTE.formatted("\"matches\": [{\"uri\": {\"exact\": \"/bytes\"}}],", "",
                        ", \"directResponse\": {\"status\": 200, \"base64\": \"aGk=\"}")
                + "," + route(to("v1", 100), ""), "");
        var before = v1.requests.get();
        try (var client = client()) {
            var gone = client.get("/gone");
            assertEquals(410, gone.status());
            assertEquals("this page is gone", gone.body());
            assertEquals("text/html", gone.header("content-type"));
            assertEquals("17", gone.header("content-length"), "a route's edit does not change the body's length");
            assertEquals("retired", gone.header("x-reason"));
            assertEquals(204, client.get("/empty").status());
            assertEquals("hi", client.get("/bytes").body());
            assertEquals(before, v1.requests.get(), "a direct response never goes upstream");
            // The connection stays open and the other routes still forward.
            assertEquals(200, client.get("/other").status());
        }
    }

    @Test
    void aConsistentHashSendsAKeyToOneEndpointAndMakesACookieWhenAsked() throws Exception {
        var sticky = """
                {"name": "sticky", "service": {"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"},
                 "port": 9080, "protocol": "HTTP", "loadBalancer": "RING_HASH", "consistentHash": {"source": "HEADER", "name": "x-user"},
                 "endpoints": [{"address": "127.0.0.1", "port": %d}, {"address": "127.0.0.1", "port": %d}]}""".formatted(v1.port(), v2.port());
        var cookie = sticky.replace("\"sticky\"", "\"by-cookie\"").replace("\"loadBalancer\": \"RING_HASH\"", "\"loadBalancer\": \"MAGLEV\"")
                .replace("{\"source\": \"HEADER\", \"name\": \"x-user\"}", "{\"source\": \"COOKIE\", \"name\": \"session\", \"cookieTtlMs\": 60000, \"cookiePath\": \"/\"}");
        configure(ROUTE.formatted("\"matches\": [{\"uri\": {\"prefix\": \"/cookie\"}}],", to("by-cookie", 100), "")
                + "," + route(to("sticky", 100), ""), "", sticky, cookie);
        try (var client = client()) {
            var seen = new java.util.HashSet<String>();
            for (var user = 0; user < 40; user++) {
                var first = client.get("/", "x-user: user-" + user).body();
                for (var again = 0; again < 3; again++) {
                    assertEquals(first, client.get("/", "x-user: user-" + user).body(), "user-" + user + " stays on one endpoint");
                }
                seen.add(first);
            }
            assertEquals(java.util.Set.of("v1", "v2"), seen, "forty users spread over both endpoints");

            var first = client.get("/cookie");
            var set = first.header("set-cookie");
            assertTrue(set != null && set.matches("session=\"[0-9a-f]{16}\"; Max-Age=60; Path=/; HttpOnly"), String.valueOf(set));
            var value = set.substring("session=".length(), set.indexOf(';'));
            for (var again = 0; again < 5; again++) {
                var next = client.get("/cookie", "cookie: session=" + value);
                assertEquals(first.body(), next.body(), "the generated cookie keeps the client on its endpoint");
                assertEquals(null, next.header("set-cookie"), "no new cookie for a request that carries one");
            }
        }
    }

    @Test
    void aRegexRewriteReplacesThePathAndKeepsTheQuery() throws Exception {
        configure(route(to("v1", 100), "\"rewrite\": {\"regexMatch\": \"^/legacy(/[a-z]+)$\", \"regexRewrite\": \"\\\\1\"}"), "");
        try (var client = client()) {
            var rewritten = client.get("/legacy/headers?x=1");
            assertTrue(rewritten.body().startsWith("query: x=1\n"), rewritten.body());
        }
    }

    @Test
    void aCorsPolicyAnswersAllowedPreflightsAndMarksAllowedResponses() throws Exception {
        var cors = "\"cors\": {\"allowOrigins\": [{\"exact\": \"https://shop.example.com\"}, {\"regex\": \"https://.*\\\\.test\"}],"
                + " \"allowMethods\": [\"GET\", \"POST\"], \"allowHeaders\": [\"x-token\"], \"exposeHeaders\": [\"x-version\"],"
                + " \"maxAgeSeconds\": 600, \"allowCredentials\": true}";
        configure(ROUTE.formatted("\"matches\": [{\"uri\": {\"prefix\": \"/strict\"}}],", to("v1", 100),
                        ", " + cors.replace("\"allowCredentials\": true", "\"ignoreUnmatchedPreflights\": true"))
                + "," + route(to("v1", 100), cors), "");
        var before = v1.requests.get();
        try (var client = client()) {
            client.send("OPTIONS / HTTP/1.1\r\nhost: reviews:9080\r\norigin: https://shop.example.com\r\n"
                    + "access-control-request-method: POST\r\n\r\n");
            var answered = client.read();
            assertEquals(200, answered.status());
            assertEquals("https://shop.example.com", answered.header("access-control-allow-origin"));
            assertEquals("GET,POST", answered.header("access-control-allow-methods"));
            assertEquals("x-token", answered.header("access-control-allow-headers"));
            assertEquals("600", answered.header("access-control-max-age"));
            assertEquals("true", answered.header("access-control-allow-credentials"));

            var simple = client.get("/", "origin: https://a.test");
            assertEquals("v1", simple.body());
            assertEquals("https://a.test", simple.header("access-control-allow-origin"));
            assertEquals("x-version", simple.header("access-control-expose-headers"));
            assertEquals(null, client.get("/", "origin: https://evil.example.com").header("access-control-allow-origin"));

            client.send("OPTIONS / HTTP/1.1\r\nhost: reviews:9080\r\norigin: https://evil.example.com\r\n"
                    + "access-control-request-method: POST\r\n\r\n");
            var forwarded = client.read();
            assertEquals("v1", forwarded.body(), "a preflight from another origin goes to the application");
            assertEquals(null, forwarded.header("access-control-allow-origin"));

            client.send("OPTIONS /strict HTTP/1.1\r\nhost: reviews:9080\r\norigin: https://evil.example.com\r\n"
                    + "access-control-request-method: POST\r\n\r\n");
            var ignored = client.read();
            assertEquals(200, ignored.status());
            assertEquals("", ignored.body(), "ignoreUnmatchedPreflights: answered by the proxy, without CORS headers");
            assertEquals(null, ignored.header("access-control-allow-origin"));
        }
        assertEquals(before + 3, v1.requests.get(), "the allowed preflight and the ignored one never went upstream");
    }

    @Test
    void anAcceptedUpgradeBecomesATunnel() throws Exception {
        try (var server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            var tunnelCluster = """
                    {"name": "ws", "service": {"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"},
                     "port": 9080, "protocol": "HTTP", "loadBalancer": "ROUND_ROBIN", "endpoints": [{"address": "127.0.0.1", "port": %d}]}"""
                    .formatted(server.getLocalPort());
            configure(route(to("ws", 100), "\"timeoutMs\": 1000"), "", tunnelCluster);
            var served = CompletableFuture.runAsync(() -> {
                try (var socket = server.accept()) {
                    var in = socket.getInputStream();
                    var head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        head.append((char) in.read());
                    }
                    assertTrue(head.toString().toLowerCase().contains("upgrade: websocket"), head.toString());
                    socket.getOutputStream().write("HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: websocket\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\nhello"
                            .getBytes(StandardCharsets.US_ASCII));
                    var echo = in.readNBytes(4);
                    socket.getOutputStream().write(echo);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (var client = client()) {
                var switched = client.get("/ws", "connection: upgrade", "upgrade: websocket");
                assertEquals(101, switched.status());
                assertEquals("websocket", switched.header("upgrade"));
                assertEquals("hello", new String(client.socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                Thread.sleep(1300); // past the route timeout: a tunnel has none
                client.send("ping");
                assertEquals("ping", new String(client.socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            }
            served.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void inboundRequestsReachTheAppThroughTheEngineAndAreReportedByTheDestination() throws Exception {
        holder.swap(Snapshot.fromJson("""
                {"version": "in", "workload": {"namespace": "default", "name": "reviews-v1", "canonicalRevision": "v1"},
                 "listeners": [], "routeTables": [], "clusters": [],
                 "inbound": [{"port": %d, "protocol": "HTTP",
                   "services": [{"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"}]}]}"""
                .formatted(v1.port())));
        destination = new InetSocketAddress(InetAddress.getLoopbackAddress(), v1.port());
        try (var client = new RawHttp(proxy.inboundPort())) {
            var seen = client.get("/headers").body();
            assertTrue(seen.contains("x-request-id: "), seen);
            assertEquals("v1", client.get("/").body());
        }
        var text = proxy.metrics().prometheusText();
        assertTrue(text.matches("(?s).*istio_requests_total\\{reporter=\"destination\",[^}]*destination_workload=\"reviews-v1\""
                + "[^}]*destination_service=\"reviews.default.svc.cluster.local\"[^}]*response_code=\"200\"[^}]*} 2\n.*"), text);
    }

    @Test
    void inboundRequestAuthenticationRefusesBadTokensAndKeepsGoodOnesFromTheApp() throws Exception {
        var issuer = new dev.sidecarinjector.proxy.authn.TestIssuer();
        var policy = new dev.sidecarinjector.api.snapshot.InboundPolicy(java.util.List.of(), java.util.List.of(issuer.rule(java.util.List.of("reviews"))));
        var base = Snapshot.fromJson("""
                {"version": "jwt", "workload": {"namespace": "default", "name": "reviews-v1", "canonicalRevision": "v1"},
                 "inbound": [{"port": %d, "protocol": "HTTP",
                   "services": [{"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"}]}]}"""
                .formatted(v1.port()));
        var withPolicy = new Snapshot(base.version(), base.workload(), base.listeners(), base.routeTables(), base.clusters(), base.inbound(), policy);
        holder.swap(Snapshot.fromJson(withPolicy.toJson(false)));
        destination = new InetSocketAddress(InetAddress.getLoopbackAddress(), v1.port());
        var now = System.currentTimeMillis() / 1000;
        var good = issuer.sign("RS256", dev.sidecarinjector.proxy.authn.TestIssuer.payload("alice", now, "\"aud\":\"reviews\""));
        var forged = issuer.sign("RS256", dev.sidecarinjector.proxy.authn.TestIssuer.payload("alice", now, "\"aud\":\"reviews\""))
                .replaceFirst("\\.[^.]*\\.", "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                        dev.sidecarinjector.proxy.authn.TestIssuer.payload("root", now, "\"aud\":\"reviews\"").getBytes(StandardCharsets.UTF_8)) + ".");
        try (var client = new RawHttp(proxy.inboundPort())) {
            var anonymous = client.get("/headers");
            assertEquals(200, anonymous.status(), "no token: the request goes on");

            var before = v1.requests.get();
            var refused = client.get("/headers", "authorization: Bearer " + forged);
            assertEquals(401, refused.status());
            assertEquals("Jwt verification fails", refused.body());
            assertEquals("Bearer realm=\"http://reviews:9080/headers\", error=\"invalid_token\"", refused.header("www-authenticate"));
            assertEquals(before, v1.requests.get(), "a refused request never reaches the app");

            var seen = client.get("/headers?page=2&access_token=" + good);
            assertEquals(200, seen.status(), "the same connection goes on after a 401");
            assertTrue(seen.body().startsWith("query: page=2\n"), "the token left the query: " + seen.body());
            var inHeader = client.get("/headers", "authorization: Bearer " + good);
            assertEquals(200, inHeader.status());
            assertFalse(inHeader.body().contains("authorization"), "the app does not see the token: " + inHeader.body());
        }
        var text = proxy.metrics().prometheusText();
        assertTrue(text.matches("(?s).*istio_requests_total\\{reporter=\"destination\",[^}]*response_code=\"401\"[^}]*response_flags=\"-\"[^}]*} 1\n.*"),
                text);
        assertTrue(text.matches("(?s).*istio_requests_total\\{reporter=\"destination\",[^}]*response_code=\"200\"[^}]*} 3\n.*"), text);
    }

    @Test
    void withoutASnapshotTheProxyRelaysAtL4() throws Exception {
        destination = new InetSocketAddress(InetAddress.getLoopbackAddress(), v1.port());
        try (var client = client()) {
            var seen = client.get("/headers").body();
            assertFalse(seen.contains("x-request-id"), "relayed as bytes, not through the HTTP engine: " + seen);
        }
    }
}
