package dev.sidecarinjector.api.ca;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.OptionalLong;

/**
 * What a proxy posts to the control plane's CA ({@value #PATH} on port 15012, {@code Authorization: Bearer} its
 * ServiceAccount token for audience {@value #TOKEN_AUDIENCE}): a PEM PKCS#10 request and, optionally, the
 * lifetime it asks for. Istio's {@code IstioCertificateRequest} in JSON. Unknown fields are ignored (Istio's
 * clients also send {@code metadata}).
 */
public record CertificateRequest(String csr, OptionalLong validitySeconds) implements JsonWriter.Writable {

    public static final String PATH = "/v1/certificate";
    /** The audience of the projected token the injector mounts at /var/run/secrets/tokens/istio-token, as Istio's. */
    public static final String TOKEN_AUDIENCE = "istio-ca";
    /** A request body is a CSR of a few KiB; larger ones are refused (413) before they are read. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    public CertificateRequest {
        if (csr == null) {
            throw new IllegalArgumentException("csr: missing");
        }
        validitySeconds = validitySeconds == null ? OptionalLong.empty() : validitySeconds;
    }

    /** Parses the JSON body; a {@link dev.sidecarinjector.api.json.JsonException} names the field and the value. */
    public static CertificateRequest parse(String text) {
        var json = JsonObject.parse(text, "");
        var csr = json.string("csr");
        var validity = json.has("validitySeconds")
                ? OptionalLong.of(json.number("validitySeconds", 1, Long.MAX_VALUE))
                : OptionalLong.empty();
        return new CertificateRequest(csr, validity);
    }

    public String toJson() {
        return JsonWriter.toJson(this, false);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("csr", csr);
        if (validitySeconds.isPresent()) {
            json.field("validitySeconds", validitySeconds.getAsLong());
        }
        json.endObject();
    }
}
