package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * VirtualService {@code directResponse}: the proxy answers the request itself with {@code status} (200-599) and a
 * body, given as text ({@code body.string}) or as base64 ({@code body.bytes}); both null: no body.
 */
public record DirectResponse(int status, String text, String base64) implements JsonWriter.Writable {

    public DirectResponse {
        if (text != null && base64 != null) {
            throw new IllegalArgumentException("a direct response's body is text or base64, not both");
        }
    }

    public static DirectResponse read(JsonObject json) {
        var status = (int) json.number("status", 200, 599);
        var text = json.string("text", null);
        var base64 = json.string("base64", null);
        if (text != null && base64 != null) {
            throw json.error("base64", "a direct response's body is text or base64, not both");
        }
        var response = new DirectResponse(status, text, base64);
        final byte[] body;
        try {
            body = response.body();
        } catch (IllegalArgumentException e) {
            throw json.error("base64", "is not base64: " + e.getMessage());
        }
        if (body.length > Limits.MAX_DIRECT_RESPONSE_BYTES) {
            throw json.error(response.text != null ? "text" : "base64", "holds " + body.length + " bytes, over "
                    + Limits.MAX_DIRECT_RESPONSE_BYTES);
        }
        return response;
    }

    /** The body's bytes (text as UTF-8), empty when there is none; base64 that does not decode throws. */
    public byte[] body() {
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return base64 == null ? new byte[0] : Base64.getDecoder().decode(base64);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("status", status).field("text", text).field("base64", base64).endObject();
    }
}
