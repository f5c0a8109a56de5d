package dev.sidecarinjector.ca;

/**
 * Who holds a bearer token: the CA's only source of identity (Istio's Authenticator). Two implementations: a
 * Kubernetes TokenReview in a cluster, a JWKS file with no cluster.
 */
public interface TokenAuthenticator {

    /**
     * The ServiceAccount the token was issued to.
     *
     * @throws AuthenticationException the token is not accepted (401), with the reason
     * @throws Unavailable the token cannot be checked now (the API server is unreachable): not the caller's fault
     */
    ServiceAccount authenticate(String token) throws AuthenticationException, Unavailable;

    /** How tokens are checked, for the startup log. */
    String describe();

    /** A token cannot be checked right now. */
    final class Unavailable extends Exception {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
