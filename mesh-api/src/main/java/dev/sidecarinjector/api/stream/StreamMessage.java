package dev.sidecarinjector.api.stream;

import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.SnapshotDelta;

/**
 * The messages of the configuration stream (WebSocket, JSON text frames, on {@link #PORT} at {@link #PATH}):
 * the proxy says {@link Hello} first, the control plane sends full {@link SnapshotPush snapshots} and, to a proxy
 * that takes them, {@link DeltaPush deltas} against the version it acked; the proxy answers each version with an
 * {@link Ack} or a {@link Nack} and its reason, as xDS does.
 */
public sealed interface StreamMessage extends JsonWriter.Writable {

    /** istiod's port. */
    int PORT = dev.sidecarinjector.api.net.MeshPorts.CONTROL_PLANE;
    String PATH = "/v1/stream";
    /** A whole message, continuation frames aggregated: a snapshot for 1,000 Services fits with room to spare. */
    int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

    /**
     * Proxy to control plane, first: who it is, the version it holds (empty when none), and whether it applies
     * {@link DeltaPush deltas} (absent: false, so a proxy older than deltas is only ever sent full snapshots).
     */
    record Hello(ProxyNode node, String version, boolean deltas) implements StreamMessage {

        /** The hello of this proxy, which applies deltas. */
        public Hello(ProxyNode node, String version) {
            this(node, version, true);
        }

        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("type", "hello").field("node", node).field("version", version)
                    .field("deltas", deltas ? Boolean.TRUE : null).endObject();
        }
    }

    /** Control plane to proxy: the full snapshot of {@code version}; {@code snapshot.version()} is the same. */
    record SnapshotPush(String version, Snapshot snapshot) implements StreamMessage {
        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("type", "snapshot").field("version", version).field("snapshot", snapshot).endObject();
        }
    }

    /**
     * Control plane to proxy: {@code version} as the changes from {@code base}, the version the proxy acked. Applied
     * only on top of {@code base} ({@link #applyTo}); anything else is nacked, and the control plane sends the full
     * snapshot.
     */
    record DeltaPush(String version, String base, SnapshotDelta delta) implements StreamMessage {
        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("type", "delta").field("version", version).field("base", base);
            delta.writeMembers(json);
            json.endObject();
        }

        /**
         * The snapshot of {@code version}, from {@code inForce} (null before the first): a base that is not the
         * version in force, a name removed that it does not have, or a reference that no longer resolves is a
         * {@link JsonException} naming the field.
         */
        public Snapshot applyTo(Snapshot inForce) {
            if (inForce == null || !inForce.version().equals(base)) {
                throw new JsonException("base: \"" + base + "\" is not the version in force ("
                        + (inForce == null ? "none" : "\"" + inForce.version() + "\"") + ")");
            }
            return delta.applyTo(inForce, version);
        }
    }

    /** Proxy to control plane: {@code version} is applied. */
    record Ack(String version) implements StreamMessage {
        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("type", "ack").field("version", version).endObject();
        }
    }

    /** Proxy to control plane: {@code version} is rejected for {@code reason}; the proxy keeps its last good one. */
    record Nack(String version, String reason) implements StreamMessage {
        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("type", "nack").field("version", version).field("reason", reason).endObject();
        }
    }

    default String toJson() {
        return JsonWriter.toJson(this, false);
    }

    /**
     * Reads one message. Not JSON, an unknown {@code type} or a missing field is a {@link JsonException} naming it;
     * a snapshot or delta message whose content is wrong is an {@link InvalidSnapshot}, which keeps the version to
     * reject (a delta's base and references are checked when it is applied, {@link DeltaPush#applyTo}).
     */
    static StreamMessage parse(String text) {
        var json = JsonObject.parse(text, "");
        var type = json.string("type");
        return switch (type) {
            case "hello" -> new Hello(required(json, "node").object("node", ProxyNode::read), json.string("version", ""),
                    json.bool("deltas", false));
            case "ack" -> new Ack(json.string("version"));
            case "nack" -> new Nack(json.string("version"), json.string("reason", ""));
            case "snapshot" -> snapshot(json);
            case "delta" -> delta(json);
            default -> throw json.error("type", "\"" + (type.length() > 32 ? type.substring(0, 32) + "…" : type)
                    + "\" is not one of hello, snapshot, delta, ack, nack");
        };
    }

    private static SnapshotPush snapshot(JsonObject json) {
        var version = json.string("version");
        try {
            var snapshot = json.object("snapshot", Snapshot::read);
            if (snapshot == null) {
                throw json.error("snapshot", "missing");
            }
            if (!snapshot.version().equals(version)) {
                throw json.error("snapshot.version", "\"" + snapshot.version() + "\" is not the message's version \"" + version + "\"");
            }
            return new SnapshotPush(version, snapshot);
        } catch (JsonException e) {
            throw new InvalidSnapshot(version, e.getMessage());
        }
    }

    private static DeltaPush delta(JsonObject json) {
        var version = json.string("version");
        try {
            return new DeltaPush(version, json.string("base"), SnapshotDelta.read(json));
        } catch (JsonException e) {
            throw new InvalidSnapshot(version, e.getMessage());
        }
    }

    private static JsonObject required(JsonObject json, String field) {
        if (!json.has(field)) {
            throw json.error(field, "missing");
        }
        return json;
    }

    /** A snapshot or delta message whose version is readable but whose content is not: the proxy nacks it with the reason. */
    final class InvalidSnapshot extends RuntimeException {

        private final String version;

        public InvalidSnapshot(String version, String reason) {
            super(reason, null, false, false);
            this.version = version;
        }

        public String version() {
            return version;
        }
    }
}
