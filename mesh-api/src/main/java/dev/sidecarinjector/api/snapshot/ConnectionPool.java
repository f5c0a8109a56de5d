package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/**
 * DestinationRule {@code connectionPool} as limits per cluster and per proxy; 0 means unlimited (Istio's default
 * is 2^32-1 for each). {@code connectTimeoutMs} defaults to Istio's 10 s.
 */
public record ConnectionPool(int maxConnections, long connectTimeoutMs, int http1MaxPendingRequests,
                             int http2MaxRequests, int maxRequestsPerConnection, int maxRetries, long idleTimeoutMs)
        implements JsonWriter.Writable {

    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    public static final ConnectionPool DEFAULT = new ConnectionPool(0, DEFAULT_CONNECT_TIMEOUT_MS, 0, 0, 0, 0, 0);

    public static ConnectionPool read(JsonObject json) {
        return new ConnectionPool(limit(json, "maxConnections"), json.number("connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT_MS, 1, Limits.MAX_DURATION_MS),
                limit(json, "http1MaxPendingRequests"), limit(json, "http2MaxRequests"), limit(json, "maxRequestsPerConnection"),
                limit(json, "maxRetries"), json.number("idleTimeoutMs", 0, 0, Limits.MAX_DURATION_MS));
    }

    private static int limit(JsonObject json, String field) {
        return (int) json.number(field, 0, 0, Integer.MAX_VALUE);
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().nonZero("maxConnections", maxConnections).field("connectTimeoutMs", connectTimeoutMs)
                .nonZero("http1MaxPendingRequests", http1MaxPendingRequests).nonZero("http2MaxRequests", http2MaxRequests)
                .nonZero("maxRequestsPerConnection", maxRequestsPerConnection).nonZero("maxRetries", maxRetries)
                .nonZero("idleTimeoutMs", idleTimeoutMs).endObject();
    }
}
