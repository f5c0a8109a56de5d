package dev.sidecarinjector.proxy.authn;

/**
 * Why a token was refused, with Envoy's status and body text (its jwt_authn filter answers with jwt_verify_lib's
 * status strings): 401, but 403 for a token whose audiences are not allowed, as Envoy answers.
 */
public enum JwtFailure {
    BAD_FORMAT("Jwt is not in the form of Header.Payload.Signature"),
    HEADER_PARSE_ERROR("Jwt header is an invalid Base64url input or an invalid JSON"),
    HEADER_BAD_ALG("Jwt header [alg] field is not a string"),
    /** {@code none}, HMAC and anything else the proxy does not verify with public keys. */
    ALG_NOT_IMPLEMENTED("Jwt header [alg] field value is invalid"),
    HEADER_BAD_KID("Jwt header [kid] field is not a string"),
    PAYLOAD_PARSE_ERROR("Jwt payload is an invalid Base64 or an invalid JSON"),
    SIGNATURE_PARSE_ERROR("Jwt signature is an invalid Base64"),
    UNKNOWN_ISSUER("Jwt issuer is not configured"),
    NOT_YET_VALID("Jwt not yet valid"),
    EXPIRED("Jwt is expired"),
    AUDIENCE_NOT_ALLOWED("Audiences in Jwt are not allowed", 403),
    /** No key of the issuer's set has the token's {@code kid} and suits its {@code alg} (or the set is empty: not fetched yet). */
    NO_MATCHING_KEY("Jwks doesn't have key to match kid or alg from Jwt"),
    VERIFICATION_FAILED("Jwt verification fails");

    private final String message;
    private final int status;

    JwtFailure(String message) {
        this(message, 401);
    }

    JwtFailure(String message, int status) {
        this.message = message;
        this.status = status;
    }

    /** The response body, as Envoy writes it. */
    public String message() {
        return message;
    }

    public int status() {
        return status;
    }
}
