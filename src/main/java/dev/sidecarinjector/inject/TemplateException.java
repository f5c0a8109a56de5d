package dev.sidecarinjector.inject;

/** A sidecar template that does not parse, does not render, or renders something that is not a valid container. */
public final class TemplateException extends RuntimeException {

    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
