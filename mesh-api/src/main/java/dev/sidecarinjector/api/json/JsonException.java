package dev.sidecarinjector.api.json;

/** Text that is not JSON, or JSON that is not the shape expected; the message names the offset or the field. */
public final class JsonException extends RuntimeException {

    public JsonException(String message) {
        super(message, null, false, false);
    }
}
