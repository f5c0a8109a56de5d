package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/** RequestAuthentication {@code outputClaimToHeaders}: the value of a verified token's claim (a string, number or boolean) copied into a request header. */
public record ClaimToHeader(String header, String claim) implements JsonWriter.Writable {

    public static ClaimToHeader read(JsonObject json) {
        var header = json.string("header");
        var claim = json.string("claim");
        if (header.isEmpty()) {
            throw json.error("header", "is empty");
        }
        if (claim.isEmpty()) {
            throw json.error("claim", "is empty");
        }
        return new ClaimToHeader(header, claim);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("header", header).field("claim", claim).endObject();
    }
}
