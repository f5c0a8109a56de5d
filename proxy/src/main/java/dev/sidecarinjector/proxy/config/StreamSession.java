package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.SnapshotDelta;
import dev.sidecarinjector.api.stream.ProxyNode;
import dev.sidecarinjector.api.stream.StreamMessage;
import dev.sidecarinjector.proxy.run.EventLog;

/**
 * The proxy's side of the stream protocol, without the network: the hello to send, and for each message from the
 * control plane the answer (an ack after a snapshot or a delta is applied, a nack with the reason when it is
 * rejected; the last good snapshot stays in force). A delta is applied only to the snapshot in force when that is
 * its base, and the result is checked as a whole snapshot is. Runs on the config thread, never on an event loop: a
 * snapshot of 1,000 Services takes tens of milliseconds to parse and check.
 */
public final class StreamSession {

    /** The control plane sent something that is not a snapshot message: the connection is closed with this reason. */
    public static final class ProtocolError extends Exception {
        ProtocolError(String message) {
            super(message, null, false, false);
        }
    }

    private final ProxyNode node;
    private final SnapshotHolder holder;
    private volatile String acked = "";
    private volatile String rejected = "";
    private volatile String rejectReason = "";

    public StreamSession(ProxyNode node, SnapshotHolder holder) {
        this.node = node;
        this.holder = holder;
    }

    /**
     * The first message on every connection, with the version held so the control plane can tell a reconnect, and
     * that this proxy applies deltas.
     */
    public String hello() {
        return new StreamMessage.Hello(node, acked, true).toJson();
    }

    /** The answer to one message from the control plane. */
    public String onMessage(String text) throws ProtocolError {
        StreamMessage message;
        try {
            message = StreamMessage.parse(text);
        } catch (StreamMessage.InvalidSnapshot e) {
            return reject(e.version(), "", e.getMessage());
        } catch (JsonException e) {
            throw new ProtocolError("not a stream message: " + e.getMessage());
        }
        return switch (message) {
            case StreamMessage.SnapshotPush push -> apply(push.version(), push.snapshot(), "");
            case StreamMessage.DeltaPush delta -> {
                Snapshot next;
                try {
                    next = delta.applyTo(holder.current().snapshot());
                } catch (JsonException e) {
                    yield reject(delta.version(), " (a delta from " + delta.base() + ")", e.getMessage());
                } catch (RuntimeException e) {
                    // Checked as it is built, so this is a defect of ours; the proxy still keeps its last good snapshot.
                    yield reject(delta.version(), " (a delta from " + delta.base() + ")", "cannot apply the delta: " + e);
                }
                yield apply(delta.version(), next, "delta from " + delta.base() + ", " + changed(delta.delta()) + "; ");
            }
            default -> throw new ProtocolError("unexpected message type from the control plane: " + text.substring(0, Math.min(text.length(), 60)));
        };
    }

    private String apply(String version, Snapshot snapshot, String how) {
        try {
            holder.swap(snapshot);
        } catch (RuntimeException e) {
            // Checked by the reader, so this is a defect of ours; the proxy still keeps its last good snapshot.
            return reject(version, "", "cannot compile the snapshot: " + e);
        }
        acked = version;
        EventLog.info("config: applied version " + version + " (" + how + snapshot.listeners().size() + " listeners, "
                + snapshot.routeTables().size() + " route tables, " + snapshot.clusters().size() + " clusters, "
                + endpoints(snapshot) + " endpoints)");
        return new StreamMessage.Ack(version).toJson();
    }

    private static String changed(SnapshotDelta delta) {
        return (delta.listeners().set().size() + delta.routeTables().set().size() + delta.clusters().set().size()) + " set, "
                + (delta.listeners().remove().size() + delta.routeTables().remove().size() + delta.clusters().remove().size()) + " removed";
    }

    private String reject(String version, String what, String reason) {
        rejected = version;
        rejectReason = reason;
        EventLog.info("config: rejected version " + version + what + ": " + reason + "; keeping version " + show(acked));
        return new StreamMessage.Nack(version, reason).toJson();
    }

    private static int endpoints(Snapshot snapshot) {
        var count = 0;
        for (var cluster : snapshot.clusters()) {
            count += cluster.endpoints().size();
        }
        return count;
    }

    public ProxyNode node() {
        return node;
    }

    /** The version in force, empty before the first. */
    public String acked() {
        return acked;
    }

    /** The last version rejected and why, empty when none was. */
    public String rejected() {
        return rejected;
    }

    public String rejectReason() {
        return rejectReason;
    }

    public SnapshotHolder holder() {
        return holder;
    }

    static String show(String version) {
        return version.isEmpty() ? "none" : version;
    }
}
