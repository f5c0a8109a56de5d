package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/**
 * DestinationRule {@code outlierDetection}, with Istio's defaults filled in by the control plane: an endpoint is
 * ejected after {@code consecutive5xxErrors} 5xx answers (or {@code consecutiveGatewayErrors} 502/503/504 and
 * connection failures; 0 turns a counter off) for {@code baseEjectionTimeMs} times the number of its ejections,
 * checked every {@code intervalMs}, never more than {@code maxEjectionPercent} of the cluster, and not at all
 * while fewer than {@code minHealthPercent} of its endpoints are healthy.
 */
public record OutlierDetection(int consecutive5xxErrors, int consecutiveGatewayErrors, long intervalMs,
                               long baseEjectionTimeMs, int maxEjectionPercent, int minHealthPercent)
        implements JsonWriter.Writable {

    public static OutlierDetection read(JsonObject json) {
        return new OutlierDetection((int) json.number("consecutive5xxErrors", 0, 0, Integer.MAX_VALUE),
                (int) json.number("consecutiveGatewayErrors", 0, 0, Integer.MAX_VALUE),
                json.number("intervalMs", 1, Limits.MAX_DURATION_MS), json.number("baseEjectionTimeMs", 1, Limits.MAX_DURATION_MS),
                (int) json.number("maxEjectionPercent", 0, 100), (int) json.number("minHealthPercent", 0, 0, 100));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().nonZero("consecutive5xxErrors", consecutive5xxErrors).nonZero("consecutiveGatewayErrors", consecutiveGatewayErrors)
                .field("intervalMs", intervalMs).field("baseEjectionTimeMs", baseEjectionTimeMs)
                .field("maxEjectionPercent", maxEjectionPercent).nonZero("minHealthPercent", minHealthPercent).endObject();
    }
}
