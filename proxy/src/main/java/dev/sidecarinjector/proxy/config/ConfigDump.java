package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.proxy.mesh.CompiledSnapshot;

/**
 * The admin pages of the configuration (127.0.0.1:15000), as Envoy's: {@code /config_dump} is the snapshot in
 * force with its version, the last rejection and the connection to the control plane; {@code /clusters} lists each
 * cluster's endpoints, one per line ({@code cluster::address:port::health_flags::healthy}).
 */
public final class ConfigDump {

    private final ConfigClient client;

    public ConfigDump(ConfigClient client) {
        this.client = client;
    }

    public String configDump() {
        var session = client.session();
        var snapshot = session.holder().current().snapshot();
        var json = JsonWriter.pretty();
        json.beginObject()
                .field("controlPlane", client.address())
                .field("connection", client.state().name().toLowerCase(java.util.Locale.ROOT))
                .field("lastError", client.lastError().isEmpty() ? null : client.lastError())
                .field("node", session.node())
                .field("version", session.acked())
                .field("rejectedVersion", session.rejected().isEmpty() ? null : session.rejected())
                .field("rejectReason", session.rejectReason().isEmpty() ? null : session.rejectReason())
                .field("snapshot", snapshot)
                .endObject();
        return json + "\n";
    }

    public String clusters() {
        return clusters(client.session().holder().current());
    }

    /**
     * Envoy's {@code /clusters} text: per cluster its circuit-breaker counts, per endpoint its active requests, its
     * health ({@code healthy}, or {@code /failed_outlier_check} while ejected) and how often it was ejected.
     */
    static String clusters(CompiledSnapshot snapshot) {
        var out = new StringBuilder(1024);
        for (var cluster : snapshot.clusters()) {
            var name = cluster.name();
            var breaker = cluster.breaker();
            out.append(name).append("::observability_name::").append(name).append('\n');
            out.append(name).append("::cx_active::").append(breaker.activeConnections()).append('\n');
            out.append(name).append("::rq_pending_active::").append(breaker.pendingRequests()).append('\n');
            out.append(name).append("::rq_active::").append(breaker.activeRequests()).append('\n');
            for (var endpoint : cluster.view()) {
                var host = name + "::" + endpoint.address() + ':' + endpoint.port();
                out.append(host).append("::rq_active::").append(endpoint.activeRequests()).append('\n');
                out.append(host).append("::health_flags::").append(endpoint.ejected() ? "/failed_outlier_check" : "healthy").append('\n');
                out.append(host).append("::outlier_ejections::").append(endpoint.timesEjected()).append('\n');
            }
        }
        return out.toString();
    }
}
