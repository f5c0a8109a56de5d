package dev.sidecarinjector.mesh.e2e;

import static dev.sidecarinjector.mesh.e2e.MtlsLab.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.probe.AppProbe;
import dev.sidecarinjector.mesh.e2e.MeshClient.Reply;
import dev.sidecarinjector.mesh.e2e.MtlsLab.MeshPod;
import dev.sidecarinjector.mesh.e2e.ReviewsMesh.Pod;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Istio's mutual TLS with real parts and no cluster: the control plane (this application's jar, its own process,
 * the directory source) with the mesh CA on and tokens checked against the JWKS of hack/dev-token.sh, and three pods
 * with the real proxy (init as root, run as uid 1337), each with its own ServiceAccount's token: productpage, the
 * client; reviews, STRICT by the namespace's PeerAuthentication; ratings, PERMISSIVE by its workload's. A fourth pod,
 * legacy, has no proxy; ratings' DestinationRule allows one request per connection. Workload certificates live {@link #CERT_TTL} ({@code injector.ca.workload-cert-ttl}), so every
 * proxy rotates its own every 3 to 4 s throughout. reviews' readiness probe is the one the injector rewrote: kubelet's
 * stand-in asks the status port at the path the injected pod names, and the proxy runs the original it was handed.
 * Each case prints one line of figures ({@code MtlsE2E case}). Needs root, iproute2, iptables and /usr/bin/python3
 * (the wire capture): skipped without them or the jars, except with CI=true, where it fails.
 */
@TestMethodOrder(OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MtlsE2E {

    static final Duration CERT_TTL = Duration.ofSeconds(8);
    static final String NAMESPACE = "default";
    static final int PORT = MtlsMesh.PORT;
    static final String REVIEWS_SERVICE = MtlsMesh.REVIEWS_CLUSTER_IP + ":" + PORT;
    static final String RATINGS_SERVICE = MtlsMesh.RATINGS_CLUSTER_IP + ":" + PORT;
    static final String CLIENT_PRINCIPAL = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";

    static MtlsLab mesh;
    static MeshLab lab;
    static MeshPod productpage;
    static MeshPod reviews;
    static MeshPod ratings;
    static String legacyNs;
    static MtlsMesh.RewrittenProbe probe;
    /** The clients: in productpage (two: one for each stream of the rotation case), in legacy, and on the node. */
    static MeshClient client;
    static MeshClient client2;
    static MeshClient legacy;
    static MeshClient node;

    @RegisterExtension
    static final FailureWatch FAILURES = new FailureWatch();

    @BeforeAll
    static void startTheMesh() throws Exception {
        long began = System.nanoTime();
        mesh = MtlsLab.create("MtlsE2E", CERT_TTL, "/usr/bin/python3");
        lab = mesh.lab;
        var clientPod = new Pod("productpage-v1-7b9c6d5f4a-p8r6t", "v1", lab.ip(10));
        var reviewsPod = new Pod("reviews-v1-5c7d9f8b6c-x2x7p", "v1", lab.ip(11));
        var ratingsPod = new Pod("ratings-v1-6d8f7c9b5e-q7w3z", "v1", lab.ip(12));
        var clientNs = lab.addPod("productpage", 10);
        var reviewsNs = lab.addPod("reviews", 11);
        var ratingsNs = lab.addPod("ratings", 12);
        legacyNs = lab.addPod("legacy", 20);
        AppProcess.start(lab, reviewsNs, reviewsPod, PORT);
        AppProcess.start(lab, ratingsNs, ratingsPod, PORT);

        MtlsMesh.write(mesh.controlPlane.meshDirectory, clientPod, reviewsPod, ratingsPod);
        mesh.controlPlane.start();
        long controlPlaneMs = (System.nanoTime() - began) / 1_000_000;

        probe = MtlsMesh.injectReviews(reviewsPod.name());
        productpage = mesh.startProxy(clientPod, NAMESPACE, "bookinfo-productpage", clientNs, Map.of());
        reviews = mesh.startProxy(reviewsPod, NAMESPACE, "bookinfo-reviews", reviewsNs, Map.of(AppProbe.VARIABLE, probe.probers()));
        ratings = mesh.startProxy(ratingsPod, NAMESPACE, "bookinfo-ratings", ratingsNs, Map.of());
        for (var pod : List.of(productpage, reviews, ratings)) {
            pod.proxy().awaitReady(60);
        }
        long proxiesMs = (System.nanoTime() - began) / 1_000_000;

        client = mesh.client(clientNs, "productpage");
        client2 = mesh.client(clientNs, "productpage-2");
        legacy = mesh.client(legacyNs, "legacy");
        node = mesh.node();
        System.out.printf("MtlsE2E setup: node %s, pods on %s.0/24, control plane with its CA listening after %d ms, three proxies"
                + " ready with their certificates after %d ms, everything up after %d ms; workload certificates live %d s%n",
                lab.node, lab.subnet, controlPlaneMs, proxiesMs, (System.nanoTime() - began) / 1_000_000, CERT_TTL.toSeconds());
    }

    @AfterAll
    static void stopTheMesh() throws Exception {
        if (mesh != null) {
            mesh.close(FAILURES.failed());
        }
    }

    /**
     * STRICT: plaintext from the pod without a proxy is refused before it reaches the app; the proxied client gets
     * through, the app sees its request, and what crossed reviews' wire (eth0, before any rule) is TLS records from
     * the first byte to the last, the request's key nowhere in them, while the refused plaintext is there as written.
     */
    @Test
    @Order(0)
    void strictRefusesPlaintextAndTheMeshCrossesTheWireAsTls() throws Exception {
        var key = key("strict-mesh");
        var plainKey = key("strict-plain");
        var capture = WireCapture.start(lab, reviews.ns(), PORT, 20);
        var proxied = client.one(REVIEWS_SERVICE, "/?key=" + key);
        var plain = legacy.one(reviews.pod().ip() + ":" + PORT, "/?key=" + plainKey);
        var streams = capture.stop();

        var mesh = streams.stream().filter(s -> s.from().startsWith(productpage.pod().ip() + ":") || s.to().startsWith(productpage.pod().ip() + ":")).toList();
        var refused = streams.stream().filter(s -> s.from().startsWith(lab.ip(20) + ":")).toList();
        var toServer = mesh.stream().filter(s -> s.to().endsWith(":" + PORT)).findFirst();
        System.out.printf("MtlsE2E case 0: STRICT reviews: proxied client %d from %s; legacy plaintext %s; on reviews' eth0: %s;"
                + " the legacy client's bytes: \"%s\"%n", proxied.status(), proxied.pod(), plain.status() == 0 ? "refused (" + plain.body().strip() + ")"
                        : "ANSWERED " + plain.status(), mesh.stream().map(s -> s.from() + " -> " + s.to() + " " + s.bytes().length + " bytes, TLS records by type "
                        + s.tlsRecords()).toList(), refused.isEmpty() ? "" : refused.getFirst().head(40));
        assertEquals(200, proxied.status(), proxied.toString());
        assertEquals(reviews.pod().name(), proxied.pod());
        assertTrue(AppProcess.log(lab, reviews.pod()).contains(" " + key + " "), "the app saw the proxied request");
        assertEquals(0, plain.status(), "plaintext to a STRICT port is refused: " + plain);
        assertFalse(AppProcess.log(lab, reviews.pod()).contains(plainKey), "the refused request never reached the app");

        assertEquals(2, mesh.size(), "one connection, both directions: " + streams);
        for (var stream : mesh) {
            assertFalse(stream.tlsRecords().isEmpty(), "not TLS records to the last byte: " + stream);
            assertFalse(stream.contains(key), "the request's key in clear on the wire: " + stream);
        }
        assertTrue(toServer.isPresent(), streams.toString());
        assertTrue(toServer.get().tlsRecords().containsKey(22) && toServer.get().tlsRecords().containsKey(23),
                "a handshake and application data from the client: " + toServer.get().tlsRecords());
        assertFalse(refused.isEmpty(), "the legacy client's bytes on the wire: " + streams);
        assertTrue(refused.getFirst().contains("GET /?key=" + plainKey), refused.getFirst().head(80));
    }

    /**
     * PERMISSIVE: the pod without a proxy and the proxied client both get through, the first in plaintext and the
     * second in TLS on the same port (the proxy tells them apart by their first bytes).
     */
    @Test
    @Order(1)
    void permissiveServesPlaintextAndMutualTlsOnOnePort() throws Exception {
        var plainKey = key("permissive-plain");
        var meshKey = key("permissive-mesh");
        var capture = WireCapture.start(lab, ratings.ns(), PORT, 20);
        var plain = legacy.one(ratings.pod().ip() + ":" + PORT, "/?key=" + plainKey);
        var proxied = client.one(RATINGS_SERVICE, "/?key=" + meshKey);
        var streams = capture.stop();

        var fromLegacy = streams.stream().filter(s -> s.from().startsWith(lab.ip(20) + ":")).findFirst();
        var fromClient = fromProductpage(streams).stream().findFirst();
        System.out.printf("MtlsE2E case 1: PERMISSIVE ratings: legacy plaintext %d (\"%s\" on the wire), proxied client %d (TLS records %s"
                + " on the wire)%n", plain.status(), fromLegacy.map(s -> s.head(30)).orElse("-"), proxied.status(),
                fromClient.map(WireCapture.Stream::tlsRecords).orElse(Map.of()));
        assertEquals(200, plain.status(), plain.toString());
        assertEquals(200, proxied.status(), proxied.toString());
        var appLog = AppProcess.log(lab, ratings.pod());
        assertTrue(appLog.contains(" " + plainKey + " ") && appLog.contains(" " + meshKey + " "), "the app saw both:\n" + appLog);
        assertTrue(fromLegacy.isPresent() && fromLegacy.get().contains("GET /?key=" + plainKey), streams.toString());
        assertTrue(fromClient.isPresent() && !fromClient.get().tlsRecords().isEmpty() && !fromClient.get().contains(meshKey), streams.toString());
    }

    /**
     * The server proxies' metrics (15090, scraped from the node as Prometheus would) name the client: its SPIFFE
     * identity, taken from its certificate, as {@code source_principal}, with {@code connection_security_policy="mutual_tls"};
     * the legacy client's plaintext is {@code unknown} and {@code none}.
     */
    @Test
    @Order(2)
    void theServerProxysMetricsCarryTheClientsPrincipal() throws Exception {
        var reviewsSeries = mesh.destinationRequests(reviews);
        var ratingsSeries = mesh.destinationRequests(ratings);
        var fromClient = sum(reviewsSeries, CLIENT_PRINCIPAL, "mutual_tls");
        var ratingsMesh = sum(ratingsSeries, CLIENT_PRINCIPAL, "mutual_tls");
        var ratingsPlain = sum(ratingsSeries, "unknown", "none");
        System.out.printf("MtlsE2E case 2: reviews' istio_requests_total{reporter=\"destination\",source_principal=\"%s\","
                + "connection_security_policy=\"mutual_tls\"} %d, destination_principal %s; ratings': %d from that principal, %d"
                + " with source_principal=\"unknown\",connection_security_policy=\"none\"%n", CLIENT_PRINCIPAL, fromClient,
                reviewsSeries.stream().map(s -> s.labels().get("destination_principal")).distinct().toList(), ratingsMesh, ratingsPlain);
        assertTrue(fromClient >= 1, "reviews' series: " + reviewsSeries);
        assertTrue(reviewsSeries.stream().allMatch(s -> s.labels().get("destination_principal").equals(reviews.spiffeId())),
                reviewsSeries.toString());
        assertTrue(ratingsMesh >= 1 && ratingsPlain >= 1, "ratings' series: " + ratingsSeries);
    }

    /**
     * Probe rewriting under STRICT: kubelet's own probe of the app's port would be refused, but the rewritten one (the
     * status port, the path the injector wrote) answers with the app's readiness: 200, then 503 once the app says it is
     * not ready, then 200 again.
     */
    @Test
    @Order(3)
    void theRewrittenProbeAnswersWithTheAppsReadinessUnderStrict() throws Exception {
        var url = "http://" + reviews.pod().ip() + ":" + probe.port() + probe.path();
        var ready = node.get(url);
        var turned = client.one(REVIEWS_SERVICE, "/?setReady=false&key=" + key("unready"));
        var unready = node.get(url);
        client.one(REVIEWS_SERVICE, "/?setReady=true&key=" + key("ready-again"));
        var again = node.get(url);
        var direct = assertThrows(IOException.class, () -> node.get("http://" + reviews.pod().ip() + ":" + PORT + "/ready"));
        System.out.printf("MtlsE2E case 3: kubelet's probe rewritten to %s:%d (the proxy runs %s): %d, app made unready -> %d, ready again -> %d;"
                + " the original probe straight to the app under STRICT: %s%n", probe.path(), probe.port(), probe.probers(), ready.status(),
                unready.status(), again.status(), direct.getMessage());
        assertEquals(200, turned.status(), turned.toString());
        assertEquals(200, ready.status(), ready.body());
        assertEquals(503, unready.status(), unready.body());
        assertEquals(200, again.status(), again.body());
    }

    /**
     * Rotation: two streams of requests from productpage while every proxy renews its certificate at least three
     * times: one to reviews on the connection its proxy keeps alive (open across the rotations), one to ratings, whose
     * DestinationRule allows one request per connection, so every request is a new mutual TLS handshake with the
     * certificates of the moment (counted on ratings' wire). None fails. The serial numbers each proxy logged, all
     * issued by the CA, show the certificates changing.
     */
    @Test
    @Order(4)
    void twoStreamsOfRequestsHaveNoFailureAcrossThreeRotations() throws Exception {
        var logged = new LinkedHashMap<MeshPod, Integer>();
        for (var pod : List.of(productpage, reviews, ratings)) {
            logged.put(pod, serials(pod).size());
        }
        long ratingsCountedBefore = sum(mesh.destinationRequests(ratings), CLIENT_PRINCIPAL, "mutual_tls");
        var reviewsWire = WireCapture.start(lab, reviews.ns(), PORT, 60);
        var ratingsWire = WireCapture.start(lab, ratings.ns(), PORT, 60);
        long began = System.currentTimeMillis();
        client.loadStart(REVIEWS_SERVICE, "/?key=stream-kept-alive", 20);
        client2.loadStart(RATINGS_SERVICE, "/?key=stream-new-connections", 20);
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (logged.entrySet().stream().anyMatch(e -> rotationsSince(e.getKey(), e.getValue()) < 3) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        var kept = client.loadStop();
        var renewed = client2.loadStop();
        long seconds = (System.currentTimeMillis() - began) / 1000;
        var reviewsConnections = connections(reviewsWire.stop());
        var ratingsStreams = ratingsWire.stop();
        var ratingsConnections = connections(ratingsStreams);
        var fromProductpage = fromProductpage(ratingsStreams);
        var ratingsHandshakes = fromProductpage.stream().filter(WireCapture.Stream::opensWithClientHello).count();
        long ratingsCounted = sum(mesh.destinationRequests(ratings), CLIENT_PRINCIPAL, "mutual_tls") - ratingsCountedBefore;
        long backToProductpage = ratingsStreams.stream().filter(s -> s.to().startsWith(productpage.pod().ip() + ":")).count();

        var rotations = new ArrayList<String>();
        logged.forEach((pod, before) -> rotations.add(pod.pod().name().split("-")[0] + " " + rotationsSince(pod, before) + " "
                + serials(pod).subList(Math.max(0, before - 1), serials(pod).size())));
        System.out.printf("MtlsE2E case 4: %d s, certificates of %d s: to reviews %d requests (%d failed) on %d connection(s) on the wire,"
                + " to ratings %d requests (%d failed) on %d connections on the wire, %d of them opened by a TLS handshake (frames the captures missed: %d, %d); rotations and"
                + " the serials each proxy logged (the one in force before first): %s, every one in the CA's log of issued certificates%n", seconds,
                CERT_TTL.toSeconds(), kept.size(), failures(kept).size(), reviewsConnections, renewed.size(), failures(renewed).size(),
                ratingsConnections, ratingsHandshakes, reviewsWire.dropped(), ratingsWire.dropped(), rotations);
        assertEquals(List.of(), failures(kept));
        assertEquals(List.of(), failures(renewed));
        logged.forEach((pod, before) -> assertTrue(rotationsSince(pod, before) >= 3, pod.pod().name() + " rotated " + rotationsSince(pod, before) + " times"));
        // Both streams ran across the rotations (20 a second for the 10 s or more that three rotations take; a loaded
        // machine sends fewer, so the floor is what a few seconds of either stream give, not the nominal count).
        assertTrue(kept.size() >= 30 && renewed.size() >= 30, kept.size() + " and " + renewed.size() + " requests");
        // Counted from each connection's first bytes, so that a frame the capture missed later in a connection (a busy
        // machine; the capture says how many) does not hide its handshake.
        assertTrue(ratingsConnections >= renewed.size() && ratingsHandshakes == ratingsConnections, "a new mutual TLS connection for each"
                + " request to ratings: " + renewed.size() + " requests on " + ratingsConnections + " connections, " + ratingsHandshakes
                + " opened by a ClientHello, " + ratingsWire.dropped() + " frame(s) dropped by the capture, ratings' proxy counted "
                + ratingsCounted + " requests from productpage, answers went back on " + backToProductpage + " connections; the others: "
                + fromProductpage.stream().filter(s -> !s.opensWithClientHello()).toList());
        for (var pod : logged.keySet()) {
            var serials = serials(pod);
            assertEquals(serials.size(), serials.stream().distinct().count(), "a new serial each time: " + serials);
            // The control plane writes its log every second (injector.log.flush-interval): the last issue may still wait.
            var logDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!issuedSerials().containsAll(serials) && System.nanoTime() < logDeadline) {
                Thread.sleep(100);
            }
            assertTrue(issuedSerials().containsAll(serials), "every serial " + pod.pod().name() + " logged was issued by the CA");
        }
    }

    // ---- reading what happened

    private static List<Reply> failures(List<Reply> replies) {
        return replies.stream().filter(r -> !r.ok()).limit(10).toList();
    }

    private static long sum(List<ProxyAdmin.Series> series, String sourcePrincipal, String securityPolicy) {
        return series.stream().filter(s -> sourcePrincipal.equals(s.labels().get("source_principal"))
                && securityPolicy.equals(s.labels().get("connection_security_policy"))).mapToLong(s -> (long) s.value()).sum();
    }

    /** The streams productpage sent in a capture. */
    private static List<WireCapture.Stream> fromProductpage(List<WireCapture.Stream> streams) {
        return streams.stream().filter(s -> s.from().startsWith(productpage.pod().ip() + ":")).toList();
    }

    /** The connections from productpage in a capture: the streams it sent, one per connection. */
    private static long connections(List<WireCapture.Stream> streams) {
        return fromProductpage(streams).size();
    }

    private static final Pattern LOGGED_SERIAL = Pattern.compile("identity: (?:new )?certificate for \\S+, serial ([0-9a-f]+),");
    private static final Pattern ISSUED_SERIAL = Pattern.compile("CA: issued \\S+ serial=([0-9a-f]+) ");

    /** The serial of every certificate the proxy installed, in order, from its log. */
    private static List<String> serials(MeshPod pod) {
        try {
            return LOGGED_SERIAL.matcher(pod.proxy().log()).results().map(m -> m.group(1)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int rotationsSince(MeshPod pod, int loggedBefore) {
        return serials(pod).size() - loggedBefore;
    }

    private static List<String> issuedSerials() throws IOException {
        return ISSUED_SERIAL.matcher(mesh.controlPlane.log()).results().map(m -> m.group(1)).toList();
    }
}
