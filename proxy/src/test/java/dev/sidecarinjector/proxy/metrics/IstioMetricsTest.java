package dev.sidecarinjector.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The istio_* families as Prometheus reads them. The golden file holds the whole text of a small scenario; run with
 * {@code -Dgolden.update=true} to rewrite it, then read the diff.
 */
class IstioMetricsTest {
    private static final Path GOLDEN = Path.of("src/test/resources/metrics/istio.prom");

    static final Workload PRODUCTPAGE = new Workload("default", "productpage-v1-5d9b4c9c8b-x2x7k", "productpage-v1",
            "bookinfo-productpage", "productpage", "v1", "10.244.1.7", Map.of("app", "productpage", "version", "v1"));
    static final Workload REVIEWS_V2 = new Workload("default", "", "reviews-v2", "bookinfo-reviews", "reviews", "v2", "",
            Map.of());
    static final ServiceRef REVIEWS = new ServiceRef("reviews.default.svc.cluster.local", "reviews", "default");
    static final ServiceRef PRODUCTPAGE_SERVICE = new ServiceRef("productpage.default.svc.cluster.local", "productpage", "default");
    static final Workload MYSQL = new Workload("db", "", "mysql", "mysql", "mysql", "8", "", Map.of());
    static final ServiceRef MYSQL_SERVICE = new ServiceRef("mysql.db.svc.cluster.local", "mysql", "db");

    @Test
    void aSmallScenarioRendersAsTheGoldenText() throws Exception {
        var istio = new IstioMetrics();
        istio.self(PRODUCTPAGE);
        var reviews = istio.outboundHttp(REVIEWS_V2, REVIEWS, "http");
        reviews.record(200, ResponseFlag.NONE, 3_250_000, 120, 2_048);
        reviews.record(200, ResponseFlag.NONE, 40_000_000, 0, 512);
        reviews.record(503, ResponseFlag.UPSTREAM_OVERFLOW, 400_000, 120, 81);
        istio.inboundHttp(PRODUCTPAGE_SERVICE, "http").record(200, ResponseFlag.NONE, 12_000_001, 300, 5_000);
        var mysql = istio.outboundTcp(MYSQL, MYSQL_SERVICE);
        mysql.opened();
        mysql.opened();
        mysql.received(100);
        mysql.sent(4_000);
        mysql.closed(ResponseFlag.NONE);
        mysql.closed(ResponseFlag.UPSTREAM_CONNECTION_FAILURE);
        // Over mutual TLS both ends are named by their principals.
        istio.selfPrincipal("cluster.local/ns/default/sa/bookinfo-productpage");
        istio.outboundHttp(REVIEWS_V2, REVIEWS, null, "http", "cluster.local/ns/default/sa/bookinfo-reviews")
                .record(200, ResponseFlag.NONE, 2_000_000, 120, 1_024);
        istio.inboundHttp(PRODUCTPAGE_SERVICE, null, "http", "cluster.local/ns/istio-system/sa/istio-ingressgateway")
                .record(200, ResponseFlag.NONE, 9_000_000, 250, 4_000);
        istio.inboundTcp(PRODUCTPAGE_SERVICE, "cluster.local/ns/default/sa/bookinfo-reviews").opened();
        var out = new StringBuilder();
        istio.render(out);
        String actual = out.toString();
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual);
        }
        assertEquals(Files.readString(GOLDEN), actual, "golden " + GOLDEN + " (rewrite with -Dgolden.update=true)");
    }

    @Test
    void labelsComeInIstiosOrder() {
        var istio = new IstioMetrics();
        istio.outboundHttp(null, null, "http").record(200, ResponseFlag.NONE, 1, 1, 1);
        istio.outboundTcp(null, null).opened();
        String text = render(istio);
        List<String> peers = List.of("reporter", "source_workload", "source_canonical_service", "source_canonical_revision",
                "source_workload_namespace", "source_principal", "source_app", "source_version", "source_cluster",
                "destination_workload", "destination_workload_namespace", "destination_principal", "destination_app",
                "destination_version", "destination_service", "destination_canonical_service",
                "destination_canonical_revision", "destination_service_name", "destination_service_namespace",
                "destination_cluster", "request_protocol");
        var http = new ArrayList<>(peers);
        http.addAll(List.of("response_code", "grpc_response_status", "response_flags", "connection_security_policy"));
        var tcp = new ArrayList<>(peers);
        tcp.addAll(List.of("response_flags", "connection_security_policy"));
        assertEquals(http, labelNames(line(text, "istio_requests_total{")));
        assertEquals(tcp, labelNames(line(text, "istio_tcp_connections_opened_total{")));
    }

    @Test
    void whatIsNotKnownIsUnknownAsIstioWritesIt() {
        var istio = new IstioMetrics();
        istio.outboundHttp(null, null, "http").record(0, null, 1, 0, 0);
        istio.inboundHttp(null, "http").record(200, ResponseFlag.NONE, 1, 0, 0);
        String text = render(istio);
        assertEquals("istio_requests_total{reporter=\"source\",source_workload=\"unknown\",source_canonical_service=\"unknown\","
                + "source_canonical_revision=\"latest\",source_workload_namespace=\"unknown\",source_principal=\"unknown\","
                + "source_app=\"unknown\",source_version=\"unknown\",source_cluster=\"Kubernetes\","
                + "destination_workload=\"unknown\",destination_workload_namespace=\"unknown\",destination_principal=\"unknown\","
                + "destination_app=\"unknown\",destination_version=\"unknown\",destination_service=\"unknown\","
                + "destination_canonical_service=\"unknown\",destination_canonical_revision=\"latest\","
                + "destination_service_name=\"unknown\",destination_service_namespace=\"unknown\",destination_cluster=\"unknown\","
                + "request_protocol=\"http\",response_code=\"0\",grpc_response_status=\"\",response_flags=\"-\","
                + "connection_security_policy=\"unknown\"} 1", line(text, "istio_requests_total{reporter=\"source\""));
        assertEquals("istio_requests_total{reporter=\"destination\",source_workload=\"unknown\",source_canonical_service=\"unknown\","
                + "source_canonical_revision=\"latest\",source_workload_namespace=\"unknown\",source_principal=\"unknown\","
                + "source_app=\"unknown\",source_version=\"unknown\",source_cluster=\"unknown\","
                + "destination_workload=\"unknown\",destination_workload_namespace=\"unknown\",destination_principal=\"unknown\","
                + "destination_app=\"unknown\",destination_version=\"unknown\",destination_service=\"unknown\","
                + "destination_canonical_service=\"unknown\",destination_canonical_revision=\"latest\","
                + "destination_service_name=\"unknown\",destination_service_namespace=\"unknown\",destination_cluster=\"Kubernetes\","
                + "request_protocol=\"http\",response_code=\"200\",grpc_response_status=\"\",response_flags=\"-\","
                + "connection_security_policy=\"none\"} 1", line(text, "istio_requests_total{reporter=\"destination\""));
    }

    @Test
    void mutualTlsNamesBothPrincipalsAndTheServerSideSaysMutualTls() {
        var istio = new IstioMetrics();
        istio.selfPrincipal("cluster.local/ns/default/sa/bookinfo-productpage");
        istio.inboundHttp(null, null, "http", "cluster.local/ns/default/sa/client").record(200, ResponseFlag.NONE, 1, 0, 0);
        istio.inboundHttp(null, "http").record(200, ResponseFlag.NONE, 1, 0, 0);
        istio.outboundTcp(null, null, "cluster.local/ns/db/sa/mysql").opened();
        istio.inboundTcp(null, "").opened();
        String text = render(istio);
        String mtls = line(text, "istio_requests_total{reporter=\"destination\",source_workload=\"unknown\",source_canonical_service=\"unknown\","
                + "source_canonical_revision=\"latest\",source_workload_namespace=\"unknown\",source_principal=\"spiffe://");
        assertTrue(mtls.contains(",source_principal=\"spiffe://cluster.local/ns/default/sa/client\","), mtls);
        assertTrue(mtls.contains(",destination_principal=\"spiffe://cluster.local/ns/default/sa/bookinfo-productpage\","), mtls);
        assertTrue(mtls.endsWith(",connection_security_policy=\"mutual_tls\"} 1"), mtls);
        String plaintext = line(text, "istio_requests_total{reporter=\"destination\",source_workload=\"unknown\",source_canonical_service=\"unknown\","
                + "source_canonical_revision=\"latest\",source_workload_namespace=\"unknown\",source_principal=\"unknown\"");
        assertTrue(plaintext.contains(",destination_principal=\"unknown\","), "plaintext names no principal: " + plaintext);
        assertTrue(plaintext.endsWith(",connection_security_policy=\"none\"} 1"), plaintext);
        String tcp = line(text, "istio_tcp_connections_opened_total{reporter=\"source\"");
        assertTrue(tcp.contains(",source_principal=\"spiffe://cluster.local/ns/default/sa/bookinfo-productpage\","), tcp);
        assertTrue(tcp.contains(",destination_principal=\"spiffe://cluster.local/ns/db/sa/mysql\","), tcp);
        assertTrue(tcp.endsWith(",connection_security_policy=\"unknown\"} 1"), "the client side does not report it, as in Istio: " + tcp);
        String noSpiffe = line(text, "istio_tcp_connections_opened_total{reporter=\"destination\"");
        assertTrue(noSpiffe.contains(",source_principal=\"unknown\",") && noSpiffe.endsWith(",connection_security_policy=\"none\"} 1"),
                "a peer certificate that names no SPIFFE identity is not mutual TLS to Istio's stats: " + noSpiffe);
        assertNotSame(istio.inboundHttp(null, "http"), istio.inboundHttp(null, null, "http", "cluster.local/ns/default/sa/client"));
        assertSame(istio.inboundHttp(null, null, "http", "cluster.local/ns/default/sa/client"),
                istio.inboundHttp(null, null, "http", new String("cluster.local/ns/default/sa/client")));
    }

    @Test
    void withoutAServiceTheAuthorityNamesTheDestinationService() {
        var istio = new IstioMetrics();
        istio.self(PRODUCTPAGE);
        istio.outboundHttp(null, null, "api.example.com:8443", "http").record(200, ResponseFlag.NONE, 1, 0, 0);
        istio.inboundHttp(null, "http").record(200, ResponseFlag.NONE, 1, 0, 0);
        String text = render(istio);
        String outbound = line(text, "istio_requests_total{reporter=\"source\"");
        assertTrue(outbound.contains(",destination_service=\"api.example.com:8443\","), outbound);
        assertTrue(outbound.contains(",destination_service_name=\"api.example.com:8443\","), outbound);
        String inbound = line(text, "istio_requests_total{reporter=\"destination\"");
        assertTrue(inbound.contains(",destination_service=\"productpage\",destination_canonical_service=\"productpage\","
                + "destination_canonical_revision=\"v1\",destination_service_name=\"productpage\","
                + "destination_service_namespace=\"default\","), "Istio falls back to the canonical service: " + inbound);
        assertSame(istio.outboundHttp(null, REVIEWS, "api.example.com:8443", "http"), istio.outboundHttp(null, REVIEWS, "http"),
                "with a service the authority is not a label");
    }

    @Test
    void labelValuesAreEscapedForTheTextFormat() {
        var istio = new IstioMetrics();
        istio.outboundHttp(null, null, "a\"b\\c\nd", "http").record(200, ResponseFlag.NONE, 1, 0, 0);
        String text = render(istio);
        assertTrue(text.contains(",destination_service=\"a\\\"b\\\\c\\nd\","), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("istio_requests_total{")).count(), "the line feed stays escaped");
    }

    @Test
    void histogramBucketsAreCumulativeWithInfSumAndCount() {
        var istio = new IstioMetrics();
        var series = istio.outboundHttp(REVIEWS_V2, REVIEWS, "http");
        series.record(200, ResponseFlag.NONE, 500_000, 0, 1);           // 0.5 ms, 0 B, 1 B: on the first bounds
        series.record(200, ResponseFlag.NONE, 500_001, 2, 5);           // just over 0.5 ms
        series.record(200, ResponseFlag.NONE, 7_000_000, 6, 3_600_000); // 7 ms
        series.record(200, ResponseFlag.NONE, 3_600_000_000_001L, 3_600_001, -4); // past the last bound
        String text = render(istio);
        assertEquals(List.of(1L, 2L, 2L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 4L),
                buckets(text, "istio_request_duration_milliseconds"));
        assertEquals("3600008.000002", value(text, "istio_request_duration_milliseconds_sum{"));
        assertEquals("4", value(text, "istio_request_duration_milliseconds_count{"));
        assertEquals(List.of(1L, 1L, 2L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 4L),
                buckets(text, "istio_request_bytes"));
        assertEquals("3600009", value(text, "istio_request_bytes_sum{"));
        assertEquals(List.of(1L, 2L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 4L, 4L),
                buckets(text, "istio_response_bytes"), "-4 bytes count as 0; 3,600,000 is on the last bound");
        assertEquals("4", value(text, "istio_requests_total{"));
    }

    @Test
    void equalLabelsGiveTheSameSeries() {
        var istio = new IstioMetrics();
        istio.self(PRODUCTPAGE);
        var first = istio.outboundHttp(REVIEWS_V2, REVIEWS, "http");
        var samePeerFromTheNextSnapshot = new Workload("default", "reviews-v2-abc", "reviews-v2", "other-sa", "reviews", "v2",
                "10.244.2.9", Map.of("app", "reviews"));
        assertSame(first, istio.outboundHttp(samePeerFromTheNextSnapshot,
                new ServiceRef("reviews.default.svc.cluster.local", "reviews", "default"), "http"),
                "pod, address, service account and pod labels are not labels of the metrics");
        assertNotSame(first, istio.outboundHttp(REVIEWS_V2, REVIEWS, "grpc"));
        assertNotSame(first, istio.inboundHttp(REVIEWS, "http"));
        assertSame(istio.outboundTcp(MYSQL, MYSQL_SERVICE), istio.outboundTcp(MYSQL, MYSQL_SERVICE));

        istio.self(new Workload("default", "productpage-v1-other", "productpage-v1", "bookinfo-productpage", "productpage",
                "v1", "10.244.1.8", Map.of()));
        assertSame(first, istio.outboundHttp(REVIEWS_V2, REVIEWS, "http"), "a new but equal self");
        istio.self(null);
        var unknownSelf = istio.outboundHttp(REVIEWS_V2, REVIEWS, "http");
        assertNotSame(first, unknownSelf);
        istio.self(new Workload("", "", "", "", "", "", "", Map.of()));
        assertSame(unknownSelf, istio.outboundHttp(REVIEWS_V2, REVIEWS, "http"), "empty fields label as unknown ones do");
    }

    @Test
    void seriesMadeBeforeASelfChangeKeepTheirLabels() {
        var istio = new IstioMetrics();
        var before = istio.outboundHttp(REVIEWS_V2, REVIEWS, "http");
        istio.self(PRODUCTPAGE);
        before.record(200, ResponseFlag.NONE, 1, 0, 0);
        istio.outboundHttp(REVIEWS_V2, REVIEWS, "http").record(200, ResponseFlag.NONE, 1, 0, 0);
        String text = render(istio);
        assertTrue(text.contains("istio_requests_total{reporter=\"source\",source_workload=\"unknown\","), text);
        assertTrue(text.contains("istio_requests_total{reporter=\"source\",source_workload=\"productpage-v1\","), text);
    }

    @Test
    void clientChosenAuthoritiesAreBounded() {
        var istio = new IstioMetrics();
        for (int i = 0; i < IstioMetrics.MAX_AUTHORITIES + 50; i++) {
            istio.outboundHttp(null, null, "host-" + i, "http").record(200, ResponseFlag.NONE, 1, 0, 0);
        }
        String text = render(istio);
        assertEquals(IstioMetrics.MAX_AUTHORITIES + 1, text.lines().filter(l -> l.startsWith("istio_requests_total{")).count());
        assertEquals("50", value(text, "istio_requests_total{reporter=\"source\",source_workload=\"unknown\","
                + "source_canonical_service=\"unknown\",source_canonical_revision=\"latest\",source_workload_namespace=\"unknown\","
                + "source_principal=\"unknown\",source_app=\"unknown\",source_version=\"unknown\",source_cluster=\"Kubernetes\","
                + "destination_workload=\"unknown\",destination_workload_namespace=\"unknown\",destination_principal=\"unknown\","
                + "destination_app=\"unknown\",destination_version=\"unknown\",destination_service=\"unknown\","));
        assertTrue(text.contains(",destination_service=\"host-0\","), "the first ones keep their names");
    }

    @Test
    void grpcStatusAndOutOfRangeValues() {
        var istio = new IstioMetrics();
        var series = istio.outboundHttp(null, null, "grpc");
        series.record(200, 14, ResponseFlag.NONE, 1, 0, 0);
        series.record(1_000, 500, ResponseFlag.NONE, 1, 0, 0);
        String text = render(istio);
        assertTrue(text.contains(",request_protocol=\"grpc\",response_code=\"200\",grpc_response_status=\"14\",response_flags=\"-\","), text);
        assertTrue(text.contains(",response_code=\"0\",grpc_response_status=\"\",response_flags=\"-\","), text);
    }

    @Test
    void noSeriesNoFamilies() {
        var out = new StringBuilder();
        new IstioMetrics().render(out);
        assertEquals("", out.toString());
    }

    static String render(IstioMetrics istio) {
        var out = new StringBuilder();
        istio.render(out);
        return out.toString();
    }

    /** The one line that starts with {@code prefix}. */
    static String line(String text, String prefix) {
        List<String> found = text.lines().filter(l -> l.startsWith(prefix)).toList();
        assertEquals(1, found.size(), "lines starting with " + prefix + " in\n" + text);
        return found.getFirst();
    }

    static String value(String text, String prefix) {
        String l = line(text, prefix);
        return l.substring(l.lastIndexOf(' ') + 1);
    }

    static List<String> labelNames(String line) {
        var names = new ArrayList<String>();
        for (String pair : line.substring(line.indexOf('{') + 1, line.lastIndexOf('}')).split("\",")) {
            names.add(pair.substring(0, pair.indexOf('=')));
        }
        return names;
    }

    /** The cumulative bucket counts of the only series of a histogram, +Inf last. */
    static List<Long> buckets(String text, String name) {
        var counts = new ArrayList<Long>();
        for (String l : text.lines().filter(l -> l.startsWith(name + "_bucket{")).toList()) {
            counts.add(Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)));
        }
        return counts;
    }
}
