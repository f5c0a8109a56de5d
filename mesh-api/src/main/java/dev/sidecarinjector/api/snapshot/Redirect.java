package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/** VirtualService {@code redirect}: the parts of the location to replace (null keeps the request's) and the status. */
public record Redirect(String uri, String authority, String scheme, int port, int status) implements JsonWriter.Writable {

    public static Redirect read(JsonObject json) {
        return new Redirect(json.string("uri", null), json.string("authority", null), json.string("scheme", null),
                (int) json.number("port", 0, 0, Limits.MAX_PORT), (int) json.number("status", 301, 300, 399));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("uri", uri).field("authority", authority).field("scheme", scheme).nonZero("port", port)
                .field("status", status).endObject();
    }
}
