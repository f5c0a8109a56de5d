package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.json.JsonWriter;
import java.time.Instant;

/**
 * One connected proxy as {@code GET /debug/syncz} shows it. {@code node} is null until the proxy said hello;
 * {@code sent} and {@code acked} are empty until the first snapshot and ack.
 */
public record ProxyStatus(String name, String namespace, String pod, String ip, Instant connectedSince, String sent,
                          String acked, String nackReason, SyncState state) implements JsonWriter.Writable {

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("name", name).field("namespace", namespace).field("pod", pod).field("ip", ip)
                .field("connectedSince", connectedSince.toString()).field("sent", sent).field("acked", acked)
                .field("nackReason", nackReason).field("state", state).endObject();
    }
}
