package dev.sidecarinjector.proxy.metrics;

import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Istio's TCP metrics of one source and destination, made and interned by {@link IstioMetrics}: callers may keep it.
 * Safe from any thread, no lock. The byte counters are adders because every chunk relayed adds to them, from every
 * event loop.
 */
public final class TcpSeries {
    private static final ResponseFlag[] FLAGS = ResponseFlag.values();

    /** Labels up to {@code request_protocol="tcp"}, escaped. */
    final String labels;
    private final String securityPolicy;
    private final LongAdder opened = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final AtomicLongArray closed = new AtomicLongArray(FLAGS.length);

    TcpSeries(String labels, String securityPolicy) {
        this.labels = labels;
        this.securityPolicy = securityPolicy;
    }

    public void opened() {
        opened.increment();
    }

    /** A null flag is {@link ResponseFlag#NONE}. */
    public void closed(ResponseFlag flag) {
        closed.getAndIncrement((flag == null ? ResponseFlag.NONE : flag).ordinal());
    }

    /** Bytes sent back to the downstream client (Istio: "during response"). */
    public void sent(long bytes) {
        sent.add(bytes);
    }

    /** Bytes received from the downstream client (Istio: "during request"). */
    public void received(long bytes) {
        received.add(bytes);
    }

    void renderOpened(StringBuilder out, String name) {
        line(out, name, ResponseFlag.NONE, opened.sum());
    }

    void renderSent(StringBuilder out, String name) {
        line(out, name, ResponseFlag.NONE, sent.sum());
    }

    void renderReceived(StringBuilder out, String name) {
        line(out, name, ResponseFlag.NONE, received.sum());
    }

    /** One line per flag seen; the {@code -} line always, so opened and closed can be compared from the start. */
    void renderClosed(StringBuilder out, String name) {
        for (ResponseFlag flag : FLAGS) {
            long count = closed.get(flag.ordinal());
            if (count != 0 || flag == ResponseFlag.NONE) {
                line(out, name, flag, count);
            }
        }
    }

    private void line(StringBuilder out, String name, ResponseFlag flag, long value) {
        out.append(name).append('{').append(labels).append(",response_flags=\"").append(flag.code())
                .append("\",connection_security_policy=\"").append(securityPolicy).append("\"} ").append(value).append('\n');
    }
}
