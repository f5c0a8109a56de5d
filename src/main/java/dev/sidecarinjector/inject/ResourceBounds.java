package dev.sidecarinjector.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.TreeMap;

/**
 * Override by name: the merged container's requests against its limits, as the API server checks them. A pod's
 * declaration merges key by key over the rendered resources (Istio's strategic merge does too), so
 * {@code requests: {memory: 1Gi}} over a rendered 128Mi limit makes a container Kubernetes refuses with a message
 * that does not say the injection added the other half; refused here instead, naming both halves and their sources.
 */
final class ResourceBounds {

    private static final String WHY = "; the API server refuses a container whose request is above its limit";

    private ResourceBounds() {
    }

    /** {@code declared} is the pod's declaration at {@code field}; {@code injected} names where a rendered value came from. */
    static void check(Container merged, Container declared, String field, InjectedResources injected) {
        var resources = merged.getResources();
        if (resources == null || resources.getRequests() == null || resources.getLimits() == null) {
            return;
        }
        var own = declared.getResources();
        var ownRequests = own == null || own.getRequests() == null ? Map.<String, Quantity>of() : own.getRequests();
        var ownLimits = own == null || own.getLimits() == null ? Map.<String, Quantity>of() : own.getLimits();
        for (var entry : new TreeMap<>(resources.getRequests()).entrySet()) {
            var name = entry.getKey();
            var limitValue = resources.getLimits().get(name);
            var requestDeclared = ownRequests.containsKey(name);
            var limitDeclared = ownLimits.containsKey(name);
            if (limitValue == null || !requestDeclared && !limitDeclared) {
                continue;
            }
            var requestField = field + ".resources.requests." + name;
            var limitField = field + ".resources.limits." + name;
            var request = quantity(requestField, entry.getValue());
            var limit = quantity(limitField, limitValue);
            if (request.compareTo(limit) <= 0) {
                continue;
            }
            if (requestDeclared) {
                var source = limitDeclared ? limitField : "injected: " + injected.source("limits." + name, limit.text());
                throw new InvalidValueException(requestField, request.text(),
                        "is above the " + name + " limit \"" + limit.text() + "\" of " + merged.getName() + " (" + source + ")" + WHY);
            }
            throw new InvalidValueException(limitField, limit.text(), "is below the " + name + " request \"" + request.text() + "\" of "
                    + merged.getName() + " (injected: " + injected.source("requests." + name, request.text()) + ")" + WHY);
        }
    }

    /**
     * A declared value that is no quantity is refused naming it. A rendered one always parses: what a template renders
     * was refused already if not ({@link TemplateContainerCheck}).
     */
    private static ResourceQuantity quantity(String field, Quantity value) {
        return ResourceQuantity.parse(field, value == null ? "" : value.toString());
    }
}
