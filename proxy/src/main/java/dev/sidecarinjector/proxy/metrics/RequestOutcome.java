package dev.sidecarinjector.proxy.metrics;

import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The requests of one {@link HttpSeries} that ended the same way (response code, gRPC status, response flag): their
 * duration and size histograms in one array of atomic cells. The request count is the duration histogram's count, as
 * in Istio, where both are recorded once per request.
 */
final class RequestOutcome {
    static final int DURATION = 0;
    static final int REQUEST_BYTES = EnvoyBuckets.CELLS;
    static final int RESPONSE_BYTES = 2 * EnvoyBuckets.CELLS;
    private static final int FLAGS = ResponseFlag.values().length;

    /** Code, gRPC status and flag packed in one int: finding the outcome costs int comparisons and no allocation. */
    final int key;
    /** From {@code response_code} to {@code connection_security_policy}, each preceded by a comma. */
    final String labels;
    private final AtomicLongArray cells = new AtomicLongArray(3 * EnvoyBuckets.CELLS);

    RequestOutcome(int key, int status, int grpcStatus, ResponseFlag flag, String securityPolicy) {
        this.key = key;
        var text = new StringBuilder(128);
        text.append(",response_code=\"").append(status).append('"');
        text.append(",grpc_response_status=\"");
        if (grpcStatus >= 0) {
            text.append(grpcStatus);
        }
        text.append('"');
        text.append(",response_flags=\"").append(flag.code()).append('"');
        text.append(",connection_security_policy=\"").append(securityPolicy).append('"');
        this.labels = text.toString();
    }

    /** Takes a code in 0-999 and a gRPC status in 0-99 or -1 (none), as {@link HttpSeries} has normalised them. */
    static int key(int status, int grpcStatus, ResponseFlag flag) {
        return (status * 101 + grpcStatus + 1) * FLAGS + flag.ordinal();
    }

    void record(long durationNanos, long requestBytes, long responseBytes) {
        EnvoyBuckets.recordNanos(cells, DURATION, durationNanos);
        EnvoyBuckets.recordBytes(cells, REQUEST_BYTES, requestBytes);
        EnvoyBuckets.recordBytes(cells, RESPONSE_BYTES, responseBytes);
    }

    long requests() {
        return EnvoyBuckets.count(cells, DURATION);
    }

    void render(StringBuilder out, String name, String seriesLabels, int histogram) {
        EnvoyBuckets.render(out, name, seriesLabels, labels, cells, histogram, histogram == DURATION);
    }
}
