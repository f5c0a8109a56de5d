package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/**
 * VirtualService {@code redirect}: the parts of the location to replace (null keeps the request's) and the status.
 * The port is {@code port} when not 0, else {@code derivePort}'s when set: the scheme's default (none written) or
 * the port the request came to.
 */
public record Redirect(String uri, String authority, String scheme, int port, int status, DerivePort derivePort)
        implements JsonWriter.Writable {

    /** VirtualService {@code redirect.derivePort}. */
    public enum DerivePort {
        /** {@code FROM_PROTOCOL_DEFAULT}: 80 for http, 443 for https, so no port in the location. */
        PROTOCOL_DEFAULT,
        /** {@code FROM_REQUEST_PORT}: the port the request was sent to. */
        REQUEST_PORT
    }

    /** A redirect with no derived port. */
    public Redirect(String uri, String authority, String scheme, int port, int status) {
        this(uri, authority, scheme, port, status, null);
    }

    public static Redirect read(JsonObject json) {
        var redirect = new Redirect(json.string("uri", null), json.string("authority", null), json.string("scheme", null),
                (int) json.number("port", 0, 0, Limits.MAX_PORT), (int) json.number("status", 301, 300, 399),
                json.choice("derivePort", DerivePort.class, null));
        if (redirect.port != 0 && redirect.derivePort != null) {
            throw json.error("derivePort", "a redirect has port or derivePort, not both");
        }
        return redirect;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("uri", uri).field("authority", authority).field("scheme", scheme).nonZero("port", port)
                .field("derivePort", derivePort).field("status", status).endObject();
    }
}
