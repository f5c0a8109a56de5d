package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/**
 * A ready endpoint of a cluster: where to connect, and the workload behind it for the destination labels of the
 * metrics ({@code destination_workload}, {@code destination_version}, ...). {@code workload} is null when the
 * endpoint's pod is not known (an EndpointSlice with no targetRef).
 */
public record Endpoint(String address, int port, Workload workload, String tlsMode) implements JsonWriter.Writable {

    /** Istio's label value for a pod whose sidecar terminates mutual TLS ({@code security.istio.io/tlsMode}). */
    public static final String ISTIO = "istio";

    /** An endpoint whose pod has no (known) sidecar. */
    public Endpoint(String address, int port, Workload workload) {
        this(address, port, workload, null);
    }

    /** Whether the endpoint's pod has a sidecar that accepts the mesh's mutual TLS. */
    public boolean acceptsMtls() {
        return ISTIO.equals(tlsMode);
    }

    public static Endpoint read(JsonObject json) {
        return new Endpoint(Addresses.ipv4(json, "address"), (int) json.number("port", Limits.MIN_PORT, Limits.MAX_PORT),
                json.object("workload", Workload::read), json.string("tlsMode", null));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("address", address).field("port", port).field("workload", workload).field("tlsMode", tlsMode)
                .endObject();
    }
}
