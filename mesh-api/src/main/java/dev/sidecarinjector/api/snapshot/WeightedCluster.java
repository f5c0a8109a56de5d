package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/** One {@code route} destination of a VirtualService: the cluster and its weight, with its own header edits. */
public record WeightedCluster(String cluster, int weight, Headers headers) implements JsonWriter.Writable {

    public static WeightedCluster read(JsonObject json) {
        var headers = json.object("headers", Headers::read);
        return new WeightedCluster(json.string("cluster"), (int) json.number("weight", 100, 0, 100),
                headers == null ? Headers.NONE : headers);
    }

    /** Refuses, at {@code json}'s {@code destinations}, destinations whose weights add up to 0 (none may be chosen). */
    static void checkWeights(JsonObject json, List<WeightedCluster> destinations) {
        var total = 0;
        for (var destination : destinations) {
            total += destination.weight();
        }
        if (!destinations.isEmpty() && total == 0) {
            throw json.error("destinations", "the weights add up to 0");
        }
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("cluster", cluster).field("weight", weight)
                .field("headers", headers.isEmpty() ? null : headers).endObject();
    }
}
