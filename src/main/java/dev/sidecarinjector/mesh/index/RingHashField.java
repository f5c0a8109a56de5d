package dev.sidecarinjector.mesh.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A DestinationRule's {@code consistentHash.ringHash.minimumRingSize}, which fabric8's Istio model (7.5.2) cannot
 * hold: its class for the {@code ringHash} member is also the class of the member's value, so the value has no field
 * for the size, and strict binding refused a valid DestinationRule ("has the wrong type"). The deprecated
 * {@code consistentHash.minimumRingSize} means the same and the model holds it: before binding, the size moves there
 * (replacing it: Istio takes a named ringHash's size, or the default, over the deprecated field) and {@code ringHash}
 * is dropped (a ring is the table when none is named). The Kubernetes client reads it with {@code IstioModelMapping}. A
 * {@code ringHash} holding anything else is left in place, for binding to refuse.
 */
final class RingHashField {

    private RingHashField() {
    }

    /** Rewrites every {@code consistentHash} under {@code node} in place. */
    static void moveUp(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.get("consistentHash") instanceof ObjectNode hash && hash.get("ringHash") instanceof ObjectNode ring
                    && ring.size() <= 1 && (ring.isEmpty() || ring.has("minimumRingSize"))) {
                // Istio's order: a named ringHash's size (none: the default) over the deprecated field.
                hash.remove("ringHash");
                hash.remove("minimumRingSize");
                var size = ring.get("minimumRingSize");
                if (size != null) {
                    hash.set("minimumRingSize", size);
                }
            }
            object.properties().forEach(field -> moveUp(field.getValue()));
        } else if (node != null && node.isArray()) {
            node.forEach(RingHashField::moveUp);
        }
    }
}
