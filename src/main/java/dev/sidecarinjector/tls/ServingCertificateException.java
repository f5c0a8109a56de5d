package dev.sidecarinjector.tls;

/** The serving certificate cannot serve: {@code serve} refuses to start, saying why in this message alone. */
public final class ServingCertificateException extends RuntimeException {

    public ServingCertificateException(String message) {
        super(message, null, false, false);
    }
}
