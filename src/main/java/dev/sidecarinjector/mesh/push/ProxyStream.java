package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.snapshot.InboundPolicy;
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
    /** The proxy applies deltas (its hello said so). */
    boolean deltas;
    /**
     * What was last sent, but its version: a change that leaves all four equal is not re-sent; once the proxy acked
     * them, the next change is sent as a delta from them (the outbound part is the namespace's, held by reference).
     */
    NamespaceOutbound sentOutbound;
    Workload sentWorkload;
    List<InboundPort> sentInbound;
    InboundPolicy sentInboundPolicy;
    /** The last message sent was a delta: a nack of it is answered with the full snapshot. */
    boolean sentDelta;
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
