package dev.sidecarinjector.proxy.authn;

import dev.sidecarinjector.api.json.Json;
import dev.sidecarinjector.api.json.JsonException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A compact JWS (header.payload.signature) taken apart and read, not yet trusted: the header's {@code alg} (only the
 * public-key algorithms are accepted: no {@code none}, no HMAC) and {@code kid}, the payload's registered claims, and
 * the bytes the signature covers. Each refusal is jwt_verify_lib's status, checked in its order.
 */
final class JwtToken {

    final String alg;
    final String kid;
    final Map<?, ?> payload;
    /** The payload as it came (base64url, no padding): what {@code outputPayloadToHeader} forwards. */
    final String payloadBase64;
    final byte[] signedBytes;
    final byte[] signature;
    final String issuer;
    final List<String> audiences;
    final long notBefore;
    final long expires;

    private JwtToken(String alg, String kid, Map<?, ?> payload, String payloadBase64, byte[] signedBytes, byte[] signature,
                     String issuer, List<String> audiences, long notBefore, long expires) {
        this.alg = alg;
        this.kid = kid;
        this.payload = payload;
        this.payloadBase64 = payloadBase64;
        this.signedBytes = signedBytes;
        this.signature = signature;
        this.issuer = issuer;
        this.audiences = audiences;
        this.notBefore = notBefore;
        this.expires = expires;
    }

    static JwtToken parse(String token) throws JwtRefused {
        var first = token.indexOf('.');
        var second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw new JwtRefused(JwtFailure.BAD_FORMAT);
        }
        var header = object(token.substring(0, first), JwtFailure.HEADER_PARSE_ERROR);
        if (!(header.get("alg") instanceof String alg)) {
            throw new JwtRefused(header.containsKey("alg") ? JwtFailure.HEADER_BAD_ALG : JwtFailure.ALG_NOT_IMPLEMENTED);
        }
        if (!CompiledJwtRule.verifies(alg)) {
            throw new JwtRefused(JwtFailure.ALG_NOT_IMPLEMENTED);
        }
        var kidValue = header.get("kid");
        if (kidValue != null && !(kidValue instanceof String)) {
            throw new JwtRefused(JwtFailure.HEADER_BAD_KID);
        }
        var payloadBase64 = token.substring(first + 1, second);
        var payload = object(payloadBase64, JwtFailure.PAYLOAD_PARSE_ERROR);
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(second + 1));
        } catch (IllegalArgumentException e) {
            throw new JwtRefused(JwtFailure.SIGNATURE_PARSE_ERROR);
        }
        return new JwtToken(alg, (String) kidValue, payload, payloadBase64, token.substring(0, second).getBytes(StandardCharsets.US_ASCII),
                signature, string(payload.get("iss")), audiences(payload.get("aud")), time(payload, "nbf"), time(payload, "exp"));
    }

    private static Map<?, ?> object(String base64, JwtFailure failure) throws JwtRefused {
        try {
            if (Json.parse(new String(Base64.getUrlDecoder().decode(base64), StandardCharsets.UTF_8)) instanceof Map<?, ?> map) {
                return map;
            }
        } catch (IllegalArgumentException | JsonException e) {
            // refused below
        }
        throw new JwtRefused(failure);
    }

    private static String string(Object value) {
        return value instanceof String s ? s : "";
    }

    /** {@code aud}: one string or a list of them (other items ignored). */
    private static List<String> audiences(Object aud) {
        if (aud instanceof String s) {
            return List.of(s);
        }
        if (aud instanceof List<?> list) {
            var out = new ArrayList<String>(list.size());
            for (var item : list) {
                if (item instanceof String s) {
                    out.add(s);
                }
            }
            return List.copyOf(out);
        }
        return List.of();
    }

    /** A NumericDate claim in whole seconds, 0 when absent; anything but a number makes the payload invalid. */
    private static long time(Map<?, ?> payload, String claim) throws JwtRefused {
        var value = payload.get(claim);
        if (value == null) {
            return 0;
        }
        if (value instanceof Long l && l >= 0) {
            return l;
        }
        if (value instanceof Double d && d >= 0 && d < 9.2e18) {
            return d.longValue();
        }
        throw new JwtRefused(JwtFailure.PAYLOAD_PARSE_ERROR);
    }

    /** jwt_verify_lib's time check with {@code skew} seconds of leeway: not before {@code nbf}, not after {@code exp}. */
    void checkTime(long now, long skew) throws JwtRefused {
        if (notBefore > 0 && now + skew < notBefore) {
            throw new JwtRefused(JwtFailure.NOT_YET_VALID);
        }
        if (expires > 0 && now > expires + skew) {
            throw new JwtRefused(JwtFailure.EXPIRED);
        }
    }
}
