package dev.sidecarinjector.cli;

/** Input kube-inject cannot use: the message names the document, the field or the byte, and says what is wrong. */
public final class InvalidManifestException extends RuntimeException {
    InvalidManifestException(String message) {
        super(message);
    }
}
