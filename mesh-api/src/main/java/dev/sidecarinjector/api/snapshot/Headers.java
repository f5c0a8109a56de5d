package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/** VirtualService {@code Headers}: edits of the request on its way up and of the response on its way back. */
public record Headers(HeaderEdit request, HeaderEdit response) implements JsonWriter.Writable {

    public static final Headers NONE = new Headers(HeaderEdit.NONE, HeaderEdit.NONE);

    public static Headers read(JsonObject json) {
        var request = json.object("request", HeaderEdit::read);
        var response = json.object("response", HeaderEdit::read);
        return new Headers(request == null ? HeaderEdit.NONE : request, response == null ? HeaderEdit.NONE : response);
    }

    public boolean isEmpty() {
        return request.isEmpty() && response.isEmpty();
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("request", request.isEmpty() ? null : request)
                .field("response", response.isEmpty() ? null : response).endObject();
    }
}
