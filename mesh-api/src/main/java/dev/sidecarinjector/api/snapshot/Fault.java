package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/**
 * VirtualService {@code fault}: a fixed delay for {@code delayPercent} of requests, and an abort with
 * {@code abortStatus} for {@code abortPercent} of them (percentages 0-100, fractions allowed, as Istio's).
 */
public record Fault(long delayMs, double delayPercent, int abortStatus, double abortPercent) implements JsonWriter.Writable {

    public static Fault read(JsonObject json) {
        return new Fault(json.number("delayMs", 0, 0, Limits.MAX_DURATION_MS), json.decimal("delayPercent", 0, 0, 100),
                (int) json.number("abortStatus", 0, 0, 599), json.decimal("abortPercent", 0, 0, 100));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().nonZero("delayMs", delayMs).field("delayPercent", delayMs == 0 ? null : delayPercent)
                .nonZero("abortStatus", abortStatus).field("abortPercent", abortStatus == 0 ? null : abortPercent).endObject();
    }
}
