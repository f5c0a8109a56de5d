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
        return checked(requestField, limitField, kind, true);
    }

    /**
     * As {@link #checked(String, String, String)}; with {@code requestFirst} false (the limit is the pod's, the
     * request a setting's) the message starts with the limit: {@code limit: "32Mi" is below the memory request ...}.
     */
    public ProxyResources checked(String requestField, String limitField, String kind, boolean requestFirst) {
        var request = "cpu".equals(kind) ? cpuRequest : memoryRequest;
        var limit = "cpu".equals(kind) ? cpuLimit : memoryLimit;
        if (request.isPresent() && limit.isPresent() && request.get().compareTo(limit.get()) > 0) {
            if (!requestFirst) {
                throw new InvalidValueException(limitField, limit.get().text(),
                        "is below the " + kind + " request \"" + request.get().text() + "\" (" + requestField + ")");
            }
            throw new InvalidValueException(requestField, request.get().text(),
                    "is above the " + kind + " limit \"" + limit.get().text() + "\" (" + limitField + ")");
        }
        return this;
    }

    /**
     * As {@link #checked(String, String, String, boolean)} for a template whose pod annotations fall back to settings
     * ({@code settings} then {@code cpu-request}, {@code cpu-limit}, ...): each side is named where it came from, the
     * pod's annotation or the setting, and the message starts with what the pod wrote.
     */
    public ProxyResources checked(java.util.Map<String, String> annotations, String requestAnnotation, String limitAnnotation, String kind, String settings) {
        var request = annotations.containsKey(requestAnnotation) ? requestAnnotation : settings + kind + "-request";
        var limit = annotations.containsKey(limitAnnotation) ? limitAnnotation : settings + kind + "-limit";
        return checked(request, limit, kind, annotations.containsKey(requestAnnotation) || !annotations.containsKey(limitAnnotation));
    }
}
