package dev.sidecarinjector.proxy.metrics;

import static dev.sidecarinjector.proxy.metrics.IstioMetricsTest.REVIEWS;
import static dev.sidecarinjector.proxy.metrics.IstioMetricsTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Several threads, as several event loops, asking for the same series and recording into it at once. */
class IstioMetricsConcurrencyTest {
    private static final int THREADS = 8;
    private static final int REQUESTS = 20_000;

    @Test
    void totalsAreExactAndEveryThreadGetsTheSameSeries() throws Exception {
        var istio = new IstioMetrics();
        var start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            var results = new ArrayList<Future<Object[]>>();
            for (int t = 0; t < THREADS; t++) {
                results.add(pool.submit(() -> {
                    // Equal but distinct objects, as each event loop would hold from its own lookup.
                    var peer = new Workload("default", "", "reviews-v2", "sa", "reviews", "v2", "", Map.of());
                    var service = new ServiceRef("reviews.default.svc.cluster.local", "reviews", "default");
                    start.await();
                    HttpSeries http = istio.outboundHttp(peer, service, "http");
                    TcpSeries tcp = istio.outboundTcp(peer, service);
                    for (int i = 0; i < REQUESTS; i++) {
                        // Four outcomes appear at once on every thread: the copy-on-write list must not lose one.
                        switch (i % 4) {
                            case 0, 1 -> http.record(200, ResponseFlag.NONE, 2_000_000, 10, 100);
                            case 2 -> http.record(503, ResponseFlag.UPSTREAM_OVERFLOW, 2_000_000, 10, 100);
                            default -> http.record(503, ResponseFlag.NO_HEALTHY_UPSTREAM, 2_000_000, 10, 100);
                        }
                        tcp.opened();
                        tcp.sent(3);
                        tcp.received(5);
                        tcp.closed(i % 2 == 0 ? ResponseFlag.NONE : ResponseFlag.UPSTREAM_CONNECTION_FAILURE);
                    }
                    return new Object[] {http, tcp};
                }));
            }
            start.countDown();
            var handles = new ArrayList<Object[]>();
            for (Future<Object[]> r : results) {
                handles.add(r.get(60, TimeUnit.SECONDS));
            }
            for (Object[] h : handles) {
                assertSame(handles.getFirst()[0], h[0]);
                assertSame(handles.getFirst()[1], h[1]);
            }
        } finally {
            pool.shutdownNow();
        }
        String text = IstioMetricsTest.render(istio);
        long total = (long) THREADS * REQUESTS;
        assertEquals(List.of(Long.toString(total / 2), Long.toString(total / 4), Long.toString(total / 4)),
                List.of(value(text, requests("200", "-")), value(text, requests("503", "UO")), value(text, requests("503", "UH"))));
        assertEquals(Long.toString(total / 2), value(text, "istio_request_duration_milliseconds_count{" + peerLabels(",response_code=\"200\"")));
        assertEquals(Long.toString(total / 2 * 2), value(text, "istio_request_duration_milliseconds_sum{" + peerLabels(",response_code=\"200\"")));
        assertEquals(Long.toString(total / 2 * 100), value(text, "istio_response_bytes_sum{" + peerLabels(",response_code=\"200\"")));
        assertEquals(Long.toString(total), value(text, "istio_tcp_connections_opened_total{"));
        assertEquals(Long.toString(total * 3), value(text, "istio_tcp_sent_bytes_total{"));
        assertEquals(Long.toString(total * 5), value(text, "istio_tcp_received_bytes_total{"));
        assertEquals(Long.toString(total / 2), value(text, "istio_tcp_connections_closed_total{" + tcpLabels("-")));
        assertEquals(Long.toString(total / 2), value(text, "istio_tcp_connections_closed_total{" + tcpLabels("UF")));
        assertEquals(3, text.lines().filter(l -> l.startsWith("istio_requests_total{")).count(), text);
    }

    private static String requests(String code, String flag) {
        return "istio_requests_total{" + peerLabels(",response_code=\"" + code + "\",grpc_response_status=\"\",response_flags=\"" + flag + "\"");
    }

    private static String peerLabels(String more) {
        return IstioLabels.outbound(null, new Workload("default", "", "reviews-v2", "sa", "reviews", "v2", "", Map.of()), REVIEWS,
                null, "http", null, null) + more;
    }

    private static String tcpLabels(String flag) {
        return IstioLabels.outbound(null, new Workload("default", "", "reviews-v2", "sa", "reviews", "v2", "", Map.of()), REVIEWS,
                null, "tcp", null, null) + ",response_flags=\"" + flag + "\"";
    }
}
