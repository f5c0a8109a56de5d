package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * A port of the proxy's own pod that Services target: how inbound connections to it are handled (protocol, and
 * what PeerAuthentication lets in), and the Services it serves (the first one names {@code destination_service} in
 * the metrics, as Istio does).
 */
public record InboundPort(int port, Protocol protocol, List<ServiceRef> services, MtlsMode mtls) implements JsonWriter.Writable {

    public InboundPort {
        services = List.copyOf(services);
    }

    /** A port with Istio's default peer authentication, PERMISSIVE. */
    public InboundPort(int port, Protocol protocol, List<ServiceRef> services) {
        this(port, protocol, services, MtlsMode.PERMISSIVE);
    }

    public static InboundPort read(JsonObject json) {
        return new InboundPort((int) json.number("port", 1, 65535), json.choice("protocol", Protocol.class, Protocol.TCP),
                json.list("services", ServiceRef::read), json.choice("mtls", MtlsMode.class, MtlsMode.PERMISSIVE));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("port", port).field("protocol", protocol).field("services", services).field("mtls", mtls).endObject();
    }
}
