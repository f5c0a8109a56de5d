package dev.sidecarinjector.api.ca;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * The CA's answer: the issued certificate first, then the CA certificates above it, the root last, one PEM
 * certificate an element (as Istio's {@code IstioCertificateResponse.cert_chain}).
 */
public record CertificateResponse(List<String> certChain) implements JsonWriter.Writable {

    public CertificateResponse {
        certChain = List.copyOf(certChain);
    }

    public static CertificateResponse parse(String text) {
        var json = JsonObject.parse(text, "");
        var chain = json.strings("certChain");
        if (chain.size() < 2) {
            throw json.error("certChain", "has " + chain.size() + " certificates, expected the leaf and at least the root");
        }
        return new CertificateResponse(chain);
    }

    /** The issued (leaf) certificate. */
    public String leaf() {
        return certChain.getFirst();
    }

    /** The root, last in the chain. */
    public String root() {
        return certChain.getLast();
    }

    public String toJson() {
        return JsonWriter.toJson(this, false);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("certChain", certChain).endObject();
    }
}
