package dev.sidecarinjector.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void countersAndHistogramAreLabelledByDirection() {
        var metrics = new Metrics();
        metrics.of(Direction.OUTBOUND).opened();
        metrics.of(Direction.OUTBOUND).receivedFromDownstream(100);
        metrics.of(Direction.INBOUND).connected(3_000_000); // 3 ms
        String text = metrics.prometheusText();

        assertTrue(text.contains("sidecar_proxy_connections_opened_total{direction=\"outbound\"} 1\n"), text);
        assertTrue(text.contains("sidecar_proxy_connections_active{direction=\"outbound\"} 1\n"), text);
        assertTrue(text.contains("sidecar_proxy_received_bytes_total{direction=\"outbound\"} 100\n"), text);
        assertTrue(text.contains("sidecar_proxy_upstream_connect_duration_seconds_bucket{direction=\"inbound\",le=\"0.0025\"} 0\n"), text);
        assertTrue(text.contains("sidecar_proxy_upstream_connect_duration_seconds_bucket{direction=\"inbound\",le=\"0.005\"} 1\n"), text);
        assertTrue(text.contains("sidecar_proxy_upstream_connect_duration_seconds_count{direction=\"inbound\"} 1\n"), text);
        assertTrue(text.contains("# TYPE sidecar_proxy_connections_active gauge\n"), text);
        assertTrue(text.contains("sidecar_proxy_upstream_connect_duration_seconds_sum{direction=\"inbound\"} 0.003\n"), text);
        assertTrue(text.contains("le=\"0.00025\"} 0\n") && text.contains("le=\"+Inf\"} 1\n"), text);
    }

    @Test
    void istioFamiliesComeAfterTheProxysOwnOnceTheyHaveASeries() {
        var metrics = new Metrics();
        assertFalse(metrics.prometheusText().contains("istio_"), "no series, no family");
        metrics.istio().outboundTcp(null, null).opened();
        String text = metrics.prometheusText();
        int own = text.lastIndexOf("sidecar_proxy_upstream_connect_duration_seconds_count{direction=\"outbound\"} 0\n");
        int istio = text.indexOf("# TYPE istio_tcp_connections_opened_total counter\n");
        assertTrue(own >= 0 && istio > own, text);
        assertTrue(text.contains("istio_tcp_connections_opened_total{reporter=\"source\","), text);
    }

    @Test
    void secondsAreWrittenWithoutFloatingPoint() {
        var out = new StringBuilder();
        LatencyHistogram.appendSeconds(out, 12_000_340_000L);
        out.append(' ');
        LatencyHistogram.appendSeconds(out, 0);
        out.append(' ');
        LatencyHistogram.appendSeconds(out, 1);
        org.junit.jupiter.api.Assertions.assertEquals("12.00034 0 0.000000001", out.toString());
    }
}
