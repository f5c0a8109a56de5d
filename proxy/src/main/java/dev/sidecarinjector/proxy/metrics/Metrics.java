package dev.sidecarinjector.proxy.metrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * All proxy metrics, rendered in the Prometheus text format for {@code /stats/prometheus}. Plain loops
 * instead of streams and lambdas: each lambda is a generated class kept for the life of the proxy.
 */
public final class Metrics {
    private static final String PREFIX = "sidecar_proxy_";
    private final Map<Direction, DirectionMetrics> byDirection = new EnumMap<>(Direction.class);
    private final IstioMetrics istio = new IstioMetrics();

    public Metrics() {
        for (Direction d : Direction.values()) {
            byDirection.put(d, new DirectionMetrics());
        }
    }

    public DirectionMetrics of(Direction direction) {
        return byDirection.get(direction);
    }

    /** Istio's standard metrics, scraped after the proxy's own. */
    public IstioMetrics istio() {
        return istio;
    }

    public long activeConnections() {
        long active = 0;
        for (DirectionMetrics m : byDirection.values()) {
            active += m.active();
        }
        return active;
    }

    public String prometheusText() {
        var out = new StringBuilder(4096);
        counter(out, "connections_opened_total", "counter", "Connections accepted and forwarded.");
        counter(out, "connections_active", "gauge", "Connections open now.");
        counter(out, "connections_refused_total", "counter",
                "Connections closed at once: no original destination, or it is the proxy itself.");
        counter(out, "upstream_connect_failures_total", "counter", "Upstream connects that failed or timed out.");
        counter(out, "received_bytes_total", "counter", "Bytes read from downstream clients.");
        counter(out, "sent_bytes_total", "counter", "Bytes written back to downstream clients.");
        String latency = PREFIX + "upstream_connect_duration_seconds";
        out.append("# HELP ").append(latency).append(" Time to establish the upstream connection.\n");
        out.append("# TYPE ").append(latency).append(" histogram\n");
        for (Map.Entry<Direction, DirectionMetrics> e : byDirection.entrySet()) {
            e.getValue().connectLatency.render(out, latency, label(e.getKey()));
        }
        istio.render(out);
        return out.toString();
    }

    private void counter(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(PREFIX).append(name).append(' ').append(type).append('\n');
        for (Map.Entry<Direction, DirectionMetrics> e : byDirection.entrySet()) {
            out.append(PREFIX).append(name).append('{').append(label(e.getKey())).append("} ")
                    .append(value(e.getValue(), name)).append('\n');
        }
    }

    private static long value(DirectionMetrics m, String name) {
        return switch (name) {
            case "connections_opened_total" -> m.opened.sum();
            case "connections_active" -> m.active.sum();
            case "connections_refused_total" -> m.refused.sum();
            case "upstream_connect_failures_total" -> m.connectFailures.sum();
            case "received_bytes_total" -> m.bytesReceived.sum();
            case "sent_bytes_total" -> m.bytesSent.sum();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static String label(Direction d) {
        return "direction=\"" + d.label() + "\"";
    }
}
