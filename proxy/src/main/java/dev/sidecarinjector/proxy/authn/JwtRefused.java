package dev.sidecarinjector.proxy.authn;

/** A token refused, and why; no stack trace (it is an answer, not an error of the proxy). */
final class JwtRefused extends Exception {

    final JwtFailure failure;

    JwtRefused(JwtFailure failure) {
        super(failure.message(), null, false, false);
        this.failure = failure;
    }
}
