package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/** A Kubernetes Service as the metrics name it: {@code host} is its FQDN, {@code reviews.default.svc.cluster.local}. */
public record ServiceRef(String host, String name, String namespace) implements JsonWriter.Writable {

    public static ServiceRef read(JsonObject json) {
        return new ServiceRef(json.string("host"), json.string("name"), json.string("namespace"));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("host", host).field("name", name).field("namespace", namespace).endObject();
    }
}
