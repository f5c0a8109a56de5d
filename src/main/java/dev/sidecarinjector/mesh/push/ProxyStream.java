package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.api.stream.ProxyNode;
import java.time.Instant;
import java.util.List;

/**
 * One connected proxy's state. Written only by the push executor; read by status requests on other threads,
 * hence volatile fields (each read is one consistent field, which is all the status table needs).
 */
final class ProxyStream {

    final ProxyChannel channel;
    final Instant connectedSince;
    final long connectedNanos;
    volatile ProxyNode node;
    volatile String sent = "";
    volatile String acked = "";
    volatile String nackReason;
    /** What was last sent, but its version: a change that leaves all three equal is not re-sent. */
    OutboundPart sentOutbound;
    Workload sentWorkload;
    List<InboundPort> sentInbound;
    boolean closed;

    ProxyStream(ProxyChannel channel, Instant connectedSince, long connectedNanos) {
        this.channel = channel;
        this.connectedSince = connectedSince;
        this.connectedNanos = connectedNanos;
    }

    ProxyStatus status() {
        var n = node;
        var sentNow = sent;
        var ackedNow = acked;
        return new ProxyStatus(n == null ? "" : n.name(), n == null ? "" : n.namespace(), n == null ? "" : n.pod(),
                n == null ? "" : n.ip(), connectedSince, sentNow, ackedNow, nackReason,
                !sentNow.isEmpty() && sentNow.equals(ackedNow) ? SyncState.SYNCED : SyncState.STALE);
    }
}
