package dev.sidecarinjector.proxy.e2e;

import java.util.HashMap;
import java.util.Map;

/** The counters the e2e tests compare, read from one /stats/prometheus scrape. */
record ProxyCounters(long inboundOpened, long outboundOpened, long outboundRefused, long active,
                     long outboundReceived, long outboundSent, long inboundSent) {

    static ProxyCounters parse(String prometheusText) {
        Map<String, Long> values = new HashMap<>();
        prometheusText.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).forEach(line -> {
            int space = line.lastIndexOf(' ');
            values.put(line.substring(0, space), (long) Double.parseDouble(line.substring(space + 1)));
        });
        return new ProxyCounters(
                get(values, "sidecar_proxy_connections_opened_total{direction=\"inbound\"}"),
                get(values, "sidecar_proxy_connections_opened_total{direction=\"outbound\"}"),
                get(values, "sidecar_proxy_connections_refused_total{direction=\"outbound\"}"),
                get(values, "sidecar_proxy_connections_active{direction=\"inbound\"}")
                        + get(values, "sidecar_proxy_connections_active{direction=\"outbound\"}"),
                get(values, "sidecar_proxy_received_bytes_total{direction=\"outbound\"}"),
                get(values, "sidecar_proxy_sent_bytes_total{direction=\"outbound\"}"),
                get(values, "sidecar_proxy_sent_bytes_total{direction=\"inbound\"}"));
    }

    private static long get(Map<String, Long> values, String series) {
        Long value = values.get(series);
        if (value == null) {
            throw new IllegalStateException("no series " + series);
        }
        return value;
    }
}
