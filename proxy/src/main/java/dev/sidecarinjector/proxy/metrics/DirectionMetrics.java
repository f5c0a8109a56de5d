package dev.sidecarinjector.proxy.metrics;

import java.util.concurrent.atomic.LongAdder;

/** The counters of one direction; written from event loops without locks (adders), read by the scrape. */
public final class DirectionMetrics {
    final LongAdder opened = new LongAdder();
    final LongAdder active = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LatencyHistogram connectLatency = new LatencyHistogram();

    public void opened() {
        opened.increment();
        active.increment();
    }

    public void closed() {
        active.decrement();
    }

    public void refused() {
        refused.increment();
    }

    public void connectFailed() {
        connectFailures.increment();
    }

    public void connected(long nanos) {
        connectLatency.record(nanos);
    }

    /** Bytes read from the downstream client (towards the destination). */
    public void receivedFromDownstream(int bytes) {
        bytesReceived.add(bytes);
    }

    /** Bytes read from the upstream destination (towards the client). */
    public void sentToDownstream(int bytes) {
        bytesSent.add(bytes);
    }

    public long receivedBytes() {
        return bytesReceived.sum();
    }

    public long active() {
        return active.sum();
    }

    public long openedTotal() {
        return opened.sum();
    }

    public long connectFailures() {
        return connectFailures.sum();
    }

    public long refusedTotal() {
        return refused.sum();
    }
}
