package dev.sidecarinjector.api.stream;

import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.snapshot.Snapshot;

/**
 * The messages of the configuration stream (WebSocket, JSON text frames, on {@link #PORT} at {@link #PATH}):
 * the proxy says {@link Hello} first, the control plane sends full {@link SnapshotPush snapshots}, the proxy
 * answers each version with an {@link Ack} or a {@link Nack} and its reason, as xDS does.
 */
public sealed interface StreamMessage extends JsonWriter.Writable {

    /** istiod's port. */
    int PORT = dev.sidecarinjector.api.net.MeshPorts.CONTROL_PLANE;
    String PATH = "/v1/stream";
    /** A whole message, continuation frames aggregated: a snapshot for 1,000 Services fits with room to spare. */
    int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

    /** Proxy to control plane, first: who it is and the version it holds (empty when none). */
    record Hello(ProxyNode node, String version) implements StreamMessage {
        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("type", "hello").field("node", node).field("version", version).endObject();
        }
    }

    /** Control plane to proxy: the full snapshot of {@code version}; {@code snapshot.version()} is the same. */
    record SnapshotPush(String version, Snapshot snapshot) implements StreamMessage {
        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("type", "snapshot").field("version", version).field("snapshot", snapshot).endObject();
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
     * a snapshot message whose snapshot is wrong is an {@link InvalidSnapshot}, which keeps the version to reject.
     */
    static StreamMessage parse(String text) {
        var json = JsonObject.parse(text, "");
        var type = json.string("type");
        return switch (type) {
            case "hello" -> new Hello(required(json, "node").object("node", ProxyNode::read), json.string("version", ""));
            case "ack" -> new Ack(json.string("version"));
            case "nack" -> new Nack(json.string("version"), json.string("reason", ""));
            case "snapshot" -> snapshot(json);
            default -> throw json.error("type", "\"" + (type.length() > 32 ? type.substring(0, 32) + "…" : type)
                    + "\" is not one of hello, snapshot, ack, nack");
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

    private static JsonObject required(JsonObject json, String field) {
        if (!json.has(field)) {
            throw json.error(field, "missing");
        }
        return json;
    }

    /** A snapshot message whose version is readable but whose snapshot is not: the proxy nacks it with the reason. */
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
