package dev.sidecarinjector.proxy.authn;

import dev.sidecarinjector.proxy.policy.RequestAuth;

/**
 * What RequestAuthentication decided for one request: it goes on, with the identity its token established
 * ({@code auth}, null when it carried no token), or it is refused with {@code failure}.
 */
public record JwtOutcome(RequestAuth auth, JwtFailure failure) {

    /** No token (or no rule): the request goes on with no request principal. */
    public static final JwtOutcome ANONYMOUS = new JwtOutcome(null, null);

    public boolean refused() {
        return failure != null;
    }
}
