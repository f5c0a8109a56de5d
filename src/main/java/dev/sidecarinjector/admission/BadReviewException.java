package dev.sidecarinjector.admission;

/** A body that is not a usable AdmissionReview: answered with HTTP 400 and this message. */
public final class BadReviewException extends RuntimeException {

    public BadReviewException(String message) {
        super(message);
    }
}
