package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * An AuthorizationPolicy that applies to the proxy's workload, checked and compiled by the control plane: its action,
 * whether it is a dry run (Istio's {@code istio.io/dry-run} annotation: evaluated and logged, never enforced), and its
 * rules. A policy with no rules matches nothing: as ALLOW it allows nothing ({@code spec: {}}).
 */
public record AuthzPolicy(String namespace, String name, AuthzAction action, boolean dryRun, List<AuthzRule> rules)
        implements JsonWriter.Writable {

    public AuthzPolicy {
        rules = List.copyOf(rules);
    }

    /** Envoy's name for rule {@code index} as istiod writes it, {@code ns[foo]-policy[deny-get]-rule[0]}: logs and metrics use it. */
    public String ruleId(int index) {
        return "ns[" + namespace + "]-policy[" + name + "]-rule[" + index + "]";
    }

    public static AuthzPolicy read(JsonObject json) {
        return new AuthzPolicy(json.string("namespace"), json.string("name"), json.choice("action", AuthzAction.class, AuthzAction.ALLOW),
                json.bool("dryRun", false), json.list("rules", AuthzRule::read));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("namespace", namespace).field("name", name).field("action", action)
                .field("dryRun", dryRun ? Boolean.TRUE : null).field("rules", rules).endObject();
    }
}
