package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * An outbound destination the proxy knows: a Service's ClusterIP (or, for a headless Service, an endpoint's IP)
 * and port, found by the connection's original destination. HTTP goes through {@code routeTable}; TCP is relayed
 * to an endpoint of the first of {@code tcpRoutes} that applies (a VirtualService's {@code tcp} routes), or of
 * {@code cluster} when none does.
 */
public record Listener(String address, int port, Protocol protocol, ServiceRef service, String routeTable,
                       String cluster, List<TcpRoute> tcpRoutes) implements JsonWriter.Writable {

    public Listener {
        tcpRoutes = List.copyOf(tcpRoutes);
    }

    /** A listener with no VirtualService tcp routes. */
    public Listener(String address, int port, Protocol protocol, ServiceRef service, String routeTable, String cluster) {
        this(address, port, protocol, service, routeTable, cluster, List.of());
    }

    public static Listener read(JsonObject json) {
        var protocol = json.choice("protocol", Protocol.class, Protocol.TCP);
        var listener = new Listener(Addresses.ipv4(json, "address"), (int) json.number("port", Limits.MIN_PORT, Limits.MAX_PORT), protocol,
                json.object("service", ServiceRef::read), json.string("routeTable", null), json.string("cluster", null),
                json.list("tcpRoutes", TcpRoute::read));
        if (protocol == Protocol.HTTP && !listener.tcpRoutes.isEmpty()) {
            throw json.error("tcpRoutes", "an HTTP listener routes through its route table, not tcp routes");
        }
        if (protocol == Protocol.HTTP && listener.routeTable == null) {
            throw json.error("routeTable", "missing (an HTTP listener routes through a route table)");
        }
        if (protocol == Protocol.TCP && listener.cluster == null) {
            throw json.error("cluster", "missing (a TCP listener relays to a cluster)");
        }
        return listener;
    }

    /** The lookup key of this listener: {@code address:port}. */
    public String key() {
        return address + ":" + port;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("address", address).field("port", port).field("protocol", protocol)
                .field("service", service).field("routeTable", routeTable).field("cluster", cluster).field("tcpRoutes", tcpRoutes)
                .endObject();
    }
}
