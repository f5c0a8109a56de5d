package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/** One {@code route} destination of a VirtualService: the cluster and its weight, with its own header edits. */
public record WeightedCluster(String cluster, int weight, Headers headers) implements JsonWriter.Writable {

    public static WeightedCluster read(JsonObject json) {
        var headers = json.object("headers", Headers::read);
        return new WeightedCluster(json.string("cluster"), (int) json.number("weight", 100, 0, 100),
                headers == null ? Headers.NONE : headers);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("cluster", cluster).field("weight", weight)
                .field("headers", headers.isEmpty() ? null : headers).endObject();
    }
}
