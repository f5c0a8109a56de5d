package dev.sidecarinjector.proxy.metrics;

import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Istio's HTTP metrics of one source, destination and protocol ({@code istio_requests_total} and the three
 * histograms), made and interned by {@link IstioMetrics}: callers may keep it. {@link #record} is safe from any
 * thread, takes no lock and, once an outcome has been seen, allocates nothing.
 */
public final class HttpSeries {
    /** The gRPC status of a request that has none (plain HTTP): the label is then empty, as in Istio. */
    public static final int NO_GRPC_STATUS = -1;
    private static final RequestOutcome[] NO_OUTCOMES = new RequestOutcome[0];

    /** Labels up to {@code request_protocol}, escaped. */
    final String labels;
    private final String securityPolicy;
    /**
     * The outcomes seen so far, copied on write: a series sees a handful (200, 404, 503 UO...), so a scan of a small
     * array beats a map lookup and a boxed key per request. A new outcome is added with a compare-and-set.
     */
    private final AtomicReference<RequestOutcome[]> outcomes = new AtomicReference<>(NO_OUTCOMES);

    HttpSeries(String labels, String securityPolicy) {
        this.labels = labels;
        this.securityPolicy = securityPolicy;
    }

    /**
     * Counts one finished request: its duration from the first byte received to the last byte of the response sent,
     * and the bytes received from and sent to the client, headers included (Istio counts wire bytes). {@code status}
     * 0 means no response was sent (Istio writes 0 too); a null flag is {@link ResponseFlag#NONE}. Negative durations
     * and sizes count as 0.
     */
    public void record(int status, ResponseFlag flag, long durationNanos, long requestBytes, long responseBytes) {
        record(status, NO_GRPC_STATUS, flag, durationNanos, requestBytes, responseBytes);
    }

    /** As {@link #record(int, ResponseFlag, long, long, long)}, for gRPC: {@code grpcStatus} from the trailers, or -1. */
    public void record(int status, int grpcStatus, ResponseFlag flag, long durationNanos, long requestBytes,
                       long responseBytes) {
        outcome(status, grpcStatus, flag).record(durationNanos, requestBytes, responseBytes);
    }

    private RequestOutcome outcome(int status, int grpcStatus, ResponseFlag flag) {
        int code = status < 0 || status > 999 ? 0 : status;
        int grpc = grpcStatus < 0 || grpcStatus > 99 ? NO_GRPC_STATUS : grpcStatus;
        ResponseFlag f = flag == null ? ResponseFlag.NONE : flag;
        int key = RequestOutcome.key(code, grpc, f);
        while (true) {
            RequestOutcome[] seen = outcomes.get();
            for (RequestOutcome o : seen) {
                if (o.key == key) {
                    return o;
                }
            }
            RequestOutcome[] grown = Arrays.copyOf(seen, seen.length + 1);
            grown[seen.length] = new RequestOutcome(key, code, grpc, f, securityPolicy);
            if (outcomes.compareAndSet(seen, grown)) {
                return grown[seen.length];
            }
            // Another thread added an outcome first: scan again, it may be this one.
        }
    }

    void renderRequests(StringBuilder out, String name) {
        for (RequestOutcome o : outcomes.get()) {
            out.append(name).append('{').append(labels).append(o.labels).append("} ").append(o.requests()).append('\n');
        }
    }

    /** {@code histogram} is one of {@link RequestOutcome#DURATION}, {@code REQUEST_BYTES}, {@code RESPONSE_BYTES}. */
    void renderHistogram(StringBuilder out, String name, int histogram) {
        for (RequestOutcome o : outcomes.get()) {
            o.render(out, name, labels, histogram);
        }
    }
}
