package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * What the proxy enforces on its workload's inbound traffic, from Istio's security resources that select the
 * workload: {@code authorization}, the AuthorizationPolicies in Istio's order (oldest first). Every component
 * reads as empty when absent, so a snapshot from a control plane that sends none still parses.
 */
public record InboundPolicy(List<AuthzPolicy> authorization) implements JsonWriter.Writable {

    /** No policy: everything is allowed. */
    public static final InboundPolicy NONE = new InboundPolicy(List.of());

    public InboundPolicy {
        authorization = List.copyOf(authorization);
    }

    public boolean isEmpty() {
        return authorization.isEmpty();
    }

    public static InboundPolicy read(JsonObject json) {
        return new InboundPolicy(json.list("authorization", AuthzPolicy::read));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("authorization", authorization).endObject();
    }
}
