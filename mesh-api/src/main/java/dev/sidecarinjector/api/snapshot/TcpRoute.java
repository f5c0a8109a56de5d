package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * One VirtualService {@code tcp} route of a TCP listener: it applies when any of {@code matches} holds (none: always),
 * and a connection then goes to one of {@code destinations} by weight. {@code name} says where it came from
 * ({@code namespace/virtualservice.tcp.index}).
 */
public record TcpRoute(String name, List<TcpMatch> matches, List<WeightedCluster> destinations) implements JsonWriter.Writable {

    public TcpRoute {
        matches = List.copyOf(matches);
        destinations = List.copyOf(destinations);
    }

    public static TcpRoute read(JsonObject json) {
        var route = new TcpRoute(json.string("name"), json.list("matches", TcpMatch::read), json.list("destinations", WeightedCluster::read));
        if (route.destinations.isEmpty()) {
            throw json.error("destinations", "missing: a tcp route sends to at least one destination");
        }
        WeightedCluster.checkWeights(json, route.destinations);
        return route;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("name", name).field("matches", matches).field("destinations", destinations).endObject();
    }
}
