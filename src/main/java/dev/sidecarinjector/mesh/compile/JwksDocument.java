package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.json.Json;
import dev.sidecarinjector.api.json.JsonException;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Checks a JSON Web Key Set (inline {@code jwks}, or what a {@code jwksUri} answered) before it goes to proxies:
 * JSON with a {@code keys} list holding at least one RSA or EC public key the proxy can verify with. Other keys
 * (HMAC secrets, unknown types, broken ones) are skipped as Envoy skips them.
 */
public final class JwksDocument {

    private JwksDocument() {
    }

    /** Null when {@code text} is a usable key set, else why not. */
    public static String problem(String text) {
        Object json;
        try {
            json = Json.parse(text);
        } catch (JsonException e) {
            return "is not JSON: " + e.getMessage();
        }
        if (!(json instanceof Map<?, ?> set) || !(set.get("keys") instanceof List<?> keys)) {
            return "has no \"keys\" list";
        }
        String firstError = null;
        for (var i = 0; i < keys.size(); i++) {
            if (!(keys.get(i) instanceof Map<?, ?> key)) {
                firstError = firstError == null ? "keys[" + i + "] is not an object" : firstError;
                continue;
            }
            try {
                @SuppressWarnings("unchecked")
                var jwk = JsonWebKey.Factory.newJwk((Map<String, Object>) key);
                if (jwk instanceof RsaJsonWebKey || jwk instanceof EllipticCurveJsonWebKey) {
                    return null;
                }
            } catch (JoseException | RuntimeException e) {
                firstError = firstError == null ? "keys[" + i + "]: " + e.getMessage() : firstError;
            }
        }
        return "has no RSA or EC public key" + (firstError == null ? "" : " (" + firstError + ")");
    }
}
