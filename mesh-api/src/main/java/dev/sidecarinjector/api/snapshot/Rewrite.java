package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/**
 * VirtualService {@code rewrite}: {@code uri} replaces the part of the path the match's {@code uri} prefix (or
 * exact) matched, as Envoy's prefix_rewrite; {@code authority} replaces the Host.
 */
public record Rewrite(String uri, String authority) implements JsonWriter.Writable {

    public static Rewrite read(JsonObject json) {
        return new Rewrite(json.string("uri", null), json.string("authority", null));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("uri", uri).field("authority", authority).endObject();
    }
}
