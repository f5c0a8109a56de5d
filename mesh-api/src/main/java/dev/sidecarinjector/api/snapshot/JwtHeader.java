package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/** RequestAuthentication {@code fromHeaders}: a request header (lower case) that carries a JWT after {@code prefix} (may be empty). */
public record JwtHeader(String name, String prefix) implements JsonWriter.Writable {

    /** Istio's (and Envoy's) default location: {@code Authorization: Bearer <token>}. */
    public static final JwtHeader AUTHORIZATION_BEARER = new JwtHeader("authorization", "Bearer ");

    public static JwtHeader read(JsonObject json) {
        var name = json.string("name");
        if (name.isEmpty()) {
            throw json.error("name", "is empty");
        }
        return new JwtHeader(name, json.string("prefix", ""));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("name", name).field("prefix", prefix.isEmpty() ? null : prefix).endObject();
    }
}
