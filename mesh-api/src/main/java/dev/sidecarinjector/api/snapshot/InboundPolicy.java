package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * What the proxy enforces on its workload's inbound HTTP requests before they reach the application, compiled from
 * the policies that select the workload: {@code requestAuthentication} the JWT rules of every RequestAuthentication
 * (merged, as Istio merges them). Absent from a snapshot (an older control plane's too): nothing is enforced.
 */
public record InboundPolicy(
        List<JwtRule> requestAuthentication
) implements JsonWriter.Writable {

    public static final InboundPolicy NONE = new InboundPolicy(
            List.of()
    );

    public InboundPolicy {
        requestAuthentication = List.copyOf(requestAuthentication);
    }

    public static InboundPolicy read(JsonObject json) {
        return new InboundPolicy(
                json.list("requestAuthentication", JwtRule::read)
        );
    }

    /** True when nothing is enforced: the snapshot leaves the field out. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject()
                .field("requestAuthentication", requestAuthentication)
                .endObject();
    }
}
