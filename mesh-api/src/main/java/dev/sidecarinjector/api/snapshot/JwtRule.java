package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * One RequestAuthentication {@code jwtRules} entry as the proxy enforces it: tokens of {@code issuer} (for one of
 * {@code audiences}, any when empty) signed by a key of {@code jwks}, the JSON Web Key Set itself (inline in the
 * resource, or fetched from {@code jwksUri} by the control plane; empty when no keys are known yet, and then every
 * token of the issuer is refused). Tokens are looked for where {@code fromHeaders} and {@code fromParams} say (the
 * control plane writes Istio's defaults, {@code Authorization: Bearer} and {@code access_token}, when the resource
 * names neither). {@code source} is the resource, {@code namespace/name}, for logs.
 */
public record JwtRule(String source, String issuer, List<String> audiences, String jwksUri, String jwks, List<JwtHeader> fromHeaders,
                      List<String> fromParams, String outputPayloadToHeader, List<ClaimToHeader> outputClaimToHeaders,
                      boolean forwardOriginalToken) implements JsonWriter.Writable {

    public JwtRule {
        audiences = List.copyOf(audiences);
        fromHeaders = List.copyOf(fromHeaders);
        fromParams = List.copyOf(fromParams);
        outputClaimToHeaders = List.copyOf(outputClaimToHeaders);
    }

    public static JwtRule read(JsonObject json) {
        var issuer = json.string("issuer");
        if (issuer.isEmpty()) {
            throw json.error("issuer", "is empty");
        }
        return new JwtRule(json.string("source", ""), issuer, json.strings("audiences"), json.string("jwksUri", ""),
                json.string("jwks", ""), json.list("fromHeaders", JwtHeader::read), json.strings("fromParams"),
                json.string("outputPayloadToHeader", ""), json.list("outputClaimToHeaders", ClaimToHeader::read),
                json.bool("forwardOriginalToken", false));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("source", source.isEmpty() ? null : source).field("issuer", issuer).field("audiences", audiences)
                .field("jwksUri", jwksUri.isEmpty() ? null : jwksUri).field("jwks", jwks.isEmpty() ? null : jwks)
                .field("fromHeaders", fromHeaders).field("fromParams", fromParams)
                .field("outputPayloadToHeader", outputPayloadToHeader.isEmpty() ? null : outputPayloadToHeader)
                .field("outputClaimToHeaders", outputClaimToHeaders)
                .field("forwardOriginalToken", forwardOriginalToken ? Boolean.TRUE : null).endObject();
    }
}
