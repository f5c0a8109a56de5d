package dev.sidecarinjector.proxy.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/** All proxy metrics, rendered in the Prometheus text format for {@code /stats/prometheus}. */
public final class Metrics {
    private static final String PREFIX = "sidecar_proxy_";
    private final Map<Direction, DirectionMetrics> byDirection = new EnumMap<>(Direction.class);

    public Metrics() {
        for (Direction d : Direction.values()) {
            byDirection.put(d, new DirectionMetrics());
        }
    }

    public DirectionMetrics of(Direction direction) {
        return byDirection.get(direction);
    }

    public long activeConnections() {
        return byDirection.values().stream().mapToLong(DirectionMetrics::active).sum();
    }

    public String prometheusText() {
        var out = new StringBuilder(4096);
        counter(out, "connections_opened_total", "counter", "Connections accepted and forwarded.", m -> m.opened.sum());
        counter(out, "connections_active", "gauge", "Connections open now.", m -> m.active.sum());
        counter(out, "connections_refused_total", "counter",
                "Connections closed at once: no original destination, or it is the proxy itself.", m -> m.refused.sum());
        counter(out, "upstream_connect_failures_total", "counter",
                "Upstream connects that failed or timed out.", m -> m.connectFailures.sum());
        counter(out, "received_bytes_total", "counter", "Bytes read from downstream clients.", m -> m.bytesReceived.sum());
        counter(out, "sent_bytes_total", "counter", "Bytes written back to downstream clients.", m -> m.bytesSent.sum());
        String latency = PREFIX + "upstream_connect_duration_seconds";
        out.append("# HELP ").append(latency).append(" Time to establish the upstream connection.\n");
        out.append("# TYPE ").append(latency).append(" histogram\n");
        byDirection.forEach((d, m) -> m.connectLatency.render(out, latency, label(d)));
        return out.toString();
    }

    private void counter(StringBuilder out, String name, String type, String help, Function<DirectionMetrics, Long> value) {
        out.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(PREFIX).append(name).append(' ').append(type).append('\n');
        byDirection.forEach((d, m) -> out.append(PREFIX).append(name).append('{').append(label(d)).append("} ")
                .append(value.apply(m)).append('\n'));
    }

    private static String label(Direction d) {
        return "direction=\"" + d.label() + "\"";
    }
}
