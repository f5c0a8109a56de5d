package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * The routes of one Service port, in order: the first whose match holds wins. Named
 * {@code host:port} ({@code reviews.default.svc.cluster.local:9080}); {@code virtualService} names the
 * VirtualService it was compiled from ({@code namespace/name}), or is null for the Service's default route.
 */
public record RouteTable(String name, String virtualService, List<Route> routes) implements JsonWriter.Writable {

    public RouteTable {
        routes = List.copyOf(routes);
    }

    public static RouteTable read(JsonObject json) {
        return new RouteTable(json.string("name"), json.string("virtualService", null), json.list("routes", Route::read));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("name", name).field("virtualService", virtualService).field("routes", routes).endObject();
    }
}
