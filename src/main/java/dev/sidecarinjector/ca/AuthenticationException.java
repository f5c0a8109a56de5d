package dev.sidecarinjector.ca;

import java.util.Locale;

/** A token refused, with the reason a person reads in the 401, the log line and the refusal metric. */
public class AuthenticationException extends Exception {

    /** Why a token is refused; {@link #label()} is the {@code reason} of {@code mesh_ca_refusals_total}. */
    public enum Reason {
        MISSING_TOKEN,
        MALFORMED_TOKEN,
        EXPIRED,
        NOT_YET_VALID,
        WRONG_AUDIENCE,
        WRONG_ISSUER,
        BAD_SIGNATURE,
        NOT_SERVICE_ACCOUNT,
        /** The API server's TokenReview said no, with an error that names none of the reasons above. */
        REJECTED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public AuthenticationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
