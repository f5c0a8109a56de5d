package dev.sidecarinjector.inject;

import java.util.Optional;

/** CPU and memory requests and limits of an injected container (the proxy's, the log shipper's, ...); an empty value is left out. */
public record ProxyResources(
        Optional<ResourceQuantity> cpuRequest,
        Optional<ResourceQuantity> memoryRequest,
        Optional<ResourceQuantity> cpuLimit,
        Optional<ResourceQuantity> memoryLimit) {

    /**
     * Rejects a request above its limit here, with the field names, rather than letting the API server
     * refuse the whole pod later with a message that does not mention the sidecar.
     */
    public ProxyResources checked(String requestField, String limitField, String kind) {
        var request = "cpu".equals(kind) ? cpuRequest : memoryRequest;
        var limit = "cpu".equals(kind) ? cpuLimit : memoryLimit;
        if (request.isPresent() && limit.isPresent() && request.get().compareTo(limit.get()) > 0) {
            throw new InvalidValueException(requestField, request.get().text(),
                    "is above the " + kind + " limit \"" + limit.get().text() + "\" (" + limitField + ")");
        }
        return this;
    }
}
