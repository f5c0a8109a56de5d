package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * VirtualService {@code retries} as the proxy runs them: {@code attempts} retries after the first try (0: none),
 * each try bounded by {@code perTryTimeoutMs} (0: only the route timeout), on the conditions of {@code retryOn}
 * (Envoy's names: {@code 5xx}, {@code gateway-error}, {@code reset}, {@code connect-failure}, {@code refused-stream},
 * {@code retriable-status-codes}, ...) and on the status codes listed.
 */
public record RetryPolicy(int attempts, long perTryTimeoutMs, List<String> retryOn, List<Integer> retriableStatusCodes)
        implements JsonWriter.Writable {

    /** Envoy's retry conditions the proxy knows; the control plane drops the others with a warning. */
    public static final List<String> CONDITIONS = List.of("5xx", "gateway-error", "reset", "connect-failure",
            "refused-stream", "retriable-status-codes", "unavailable", "cancelled", "deadline-exceeded",
            "internal", "resource-exhausted", "retriable-4xx");

    public static final RetryPolicy NONE = new RetryPolicy(0, 0, List.of(), List.of());

    public RetryPolicy {
        retryOn = List.copyOf(retryOn);
        retriableStatusCodes = List.copyOf(retriableStatusCodes);
    }

    public static RetryPolicy read(JsonObject json) {
        var retryOn = json.strings("retryOn");
        for (var i = 0; i < retryOn.size(); i++) {
            if (!CONDITIONS.contains(retryOn.get(i))) {
                throw json.error("retryOn[" + i + "]", "\"" + retryOn.get(i) + "\" is not one of " + String.join(", ", CONDITIONS));
            }
        }
        return new RetryPolicy((int) json.number("attempts", 0, 0, Limits.MAX_RETRY_ATTEMPTS),
                json.number("perTryTimeoutMs", 0, 0, Limits.MAX_DURATION_MS),
                retryOn, json.integers("retriableStatusCodes", 100, 599));
    }

    public boolean retriesOn(String condition) {
        return retryOn.contains(condition);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("attempts", attempts).nonZero("perTryTimeoutMs", perTryTimeoutMs)
                .field("retryOn", retryOn).field("retriableStatusCodes", retriableStatusCodes).endObject();
    }
}
