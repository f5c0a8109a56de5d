package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * A port of the proxy's own pod that Services target: how inbound connections to it are handled (protocol, what
 * PeerAuthentication lets in, and its local rate limit, null for none), and the Services it serves (the first one
 * names {@code destination_service} in the metrics, as Istio does).
 */
public record InboundPort(int port, Protocol protocol, List<ServiceRef> services, MtlsMode mtls, RateLimit rateLimit)
        implements JsonWriter.Writable {

    public InboundPort {
        services = List.copyOf(services);
    }

    /** A port with Istio's default peer authentication, PERMISSIVE, and no rate limit. */
    public InboundPort(int port, Protocol protocol, List<ServiceRef> services) {
        this(port, protocol, services, MtlsMode.PERMISSIVE, null);
    }

    /** A port with no rate limit. */
    public InboundPort(int port, Protocol protocol, List<ServiceRef> services, MtlsMode mtls) {
        this(port, protocol, services, mtls, null);
    }

    public static InboundPort read(JsonObject json) {
        return new InboundPort((int) json.number("port", Limits.MIN_PORT, Limits.MAX_PORT), json.choice("protocol", Protocol.class, Protocol.TCP),
                json.list("services", ServiceRef::read), json.choice("mtls", MtlsMode.class, MtlsMode.PERMISSIVE),
                json.object("rateLimit", RateLimit::read));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("port", port).field("protocol", protocol).field("services", services).field("mtls", mtls)
                .field("rateLimit", rateLimit).endObject();
    }
}
