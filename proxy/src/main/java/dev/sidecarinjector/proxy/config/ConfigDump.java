package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.snapshot.Snapshot;

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
        return clusters(client.session().holder().current().snapshot());
    }

    static String clusters(Snapshot snapshot) {
        var out = new StringBuilder(1024);
        if (snapshot == null) {
            return "";
        }
        for (var cluster : snapshot.clusters()) {
            out.append(cluster.name()).append("::observability_name::").append(cluster.name()).append('\n');
            for (var endpoint : cluster.endpoints()) {
                out.append(cluster.name()).append("::").append(endpoint.address()).append(':').append(endpoint.port())
                        .append("::health_flags::healthy\n");
            }
        }
        return out.toString();
    }
}
