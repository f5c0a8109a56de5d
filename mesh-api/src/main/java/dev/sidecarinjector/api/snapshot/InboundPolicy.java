package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * What the proxy enforces on its workload's inbound HTTP requests before they reach the application, compiled from
 * Istio's security resources that select the workload: {@code authorization}, the AuthorizationPolicies in Istio's
 * order (oldest first), and {@code requestAuthentication}, the JWT rules of every RequestAuthentication (merged, as
 * Istio merges them). Every component reads as empty when absent and is left out when empty, so a snapshot from a
 * control plane that sends none still parses and an empty policy looks as it did before.
 */
public record InboundPolicy(List<AuthzPolicy> authorization, List<JwtRule> requestAuthentication) implements JsonWriter.Writable {

    /** No policy: no token is checked and everything is allowed. */
    public static final InboundPolicy NONE = new InboundPolicy(List.of(), List.of());

    public InboundPolicy {
        authorization = List.copyOf(authorization);
        requestAuthentication = List.copyOf(requestAuthentication);
    }

    /** True when nothing is enforced: the snapshot leaves the field out. */
    public boolean isEmpty() {
        return authorization.isEmpty() && requestAuthentication.isEmpty();
    }

    public static InboundPolicy read(JsonObject json) {
        return new InboundPolicy(json.list("authorization", AuthzPolicy::read), json.list("requestAuthentication", JwtRule::read));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject()
                .field("authorization", authorization)
                .field("requestAuthentication", requestAuthentication)
                .endObject();
    }
}
