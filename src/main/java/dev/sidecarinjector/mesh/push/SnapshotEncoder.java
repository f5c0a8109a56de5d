package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.snapshot.Changes;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.InboundPolicy;
import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.RouteTable;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.SnapshotDelta;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.api.stream.StreamMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes snapshot and delta messages so that a change costs one comparison and at most one encoding of the outbound
 * part per namespace, not per proxy. The compiler hands every proxy of a namespace the same outbound lists (see
 * {@code MeshCompiler}), so the part is cached per namespace by the identity of those lists; new lists are compared
 * with the cached part resource by resource, and when nothing differs (a new index where nothing of this namespace
 * changed) the old part stays, so "same part" means "same content" and the pusher skips such proxies. What differs
 * is the namespace's delta, encoded once for every proxy that acked the old part; the full part is encoded only when
 * a proxy needs a full snapshot. Not thread-safe: the push executor owns it.
 */
final class SnapshotEncoder {

    private static final class Entry {
        List<Listener> listeners;
        List<RouteTable> routeTables;
        List<Cluster> clusters;
        NamespaceOutbound part;
    }

    private final Map<String, Entry> byNamespace = new HashMap<>();
    private long encodings;
    private long deltaEncodings;

    /** The outbound part of {@code snapshot}, a proxy's of {@code namespace}: the same object while its content is the same. */
    NamespaceOutbound outbound(String namespace, Snapshot snapshot) {
        var entry = byNamespace.computeIfAbsent(namespace, ns -> new Entry());
        if (entry.part != null && entry.listeners == snapshot.listeners() && entry.routeTables == snapshot.routeTables()
                && entry.clusters == snapshot.clusters()) {
            return entry.part;
        }
        var next = new NamespaceOutbound(snapshot.listeners(), snapshot.routeTables(), snapshot.clusters());
        // The comparison is kept in the old part: it is the delta for every proxy that acked the old part.
        if (entry.part == null || !entry.part.deltaTo(next).isEmpty()) {
            entry.part = next;
        }
        entry.listeners = snapshot.listeners();
        entry.routeTables = snapshot.routeTables();
        entry.clusters = snapshot.clusters();
        return entry.part;
    }

    /** The message {@code StreamMessage.SnapshotPush(version, the snapshot of workload, outbound, inbound and inbound policy)}. */
    SnapshotMessage full(String version, Workload workload, NamespaceOutbound outbound, List<InboundPort> inbound, InboundPolicy policy) {
        if (outbound.encoded == null) {
            var json = JsonWriter.compact();
            json.beginObject().field("listeners", outbound.listeners).field("routeTables", outbound.routeTables)
                    .field("clusters", outbound.clusters).endObject();
            outbound.encoded = OutboundPart.of(members(json.toString()));
            encodings++;
        }
        // The message with no outbound or inbound part ends in the two closing braces of snapshot and message;
        // the head is what comes before them, and the snapshot object stays open for the parts that follow.
        var bare = new Snapshot(version, workload, List.of(), List.of(), List.of(), List.of());
        var whole = new StreamMessage.SnapshotPush(version, bare).toJson();
        return new SnapshotMessage(whole.substring(0, whole.length() - 2), outbound.encoded, inbound(inbound, policy) + "}}");
    }

    /**
     * The message {@code StreamMessage.DeltaPush(version, base, the changes from the part {@code from} to {@code to},
     * with workload, inbound and inbound policy)}: the proxy acked {@code base}, whose outbound part was {@code from}.
     */
    SnapshotMessage delta(String version, String base, NamespaceOutbound from, NamespaceOutbound to, Workload workload,
                          List<InboundPort> inbound, InboundPolicy policy) {
        var delta = from.deltaTo(to);
        if (delta.encoded == null) {
            var json = JsonWriter.compact();
            json.beginObject();
            new SnapshotDelta(null, delta.listeners, delta.routeTables, delta.clusters, List.of()).writeMembers(json);
            delta.encoded = OutboundPart.of(members(json.endObject().toString()));
            deltaEncodings++;
        }
        var bare = new SnapshotDelta(workload, Changes.none(), Changes.none(), Changes.none(), List.of());
        var whole = new StreamMessage.DeltaPush(version, base, bare).toJson();
        return new SnapshotMessage(whole.substring(0, whole.length() - 1), delta.encoded, inbound(inbound, policy) + "}");
    }

    /** Forgets the parts of namespaces no connected proxy is in. */
    void retain(Set<String> namespaces) {
        byNamespace.keySet().retainAll(namespaces);
    }

    /** How many full outbound parts were encoded so far (tests prove a change costs at most one per namespace). */
    long encodings() {
        return encodings;
    }

    /** How many deltas were encoded so far. */
    long deltaEncodings() {
        return deltaEncodings;
    }

    /** The proxy's own tail, as {@code Snapshot} and {@code SnapshotDelta} write those members. */
    private static String inbound(List<InboundPort> inbound, InboundPolicy policy) {
        var json = JsonWriter.compact();
        json.beginObject().field("inbound", inbound).field("inboundPolicy", policy.isEmpty() ? null : policy).endObject();
        return members(json.toString());
    }

    /** {@code {"a":1,"b":2}} as {@code ,"a":1,"b":2} (to follow other members), {@code {}} as nothing. */
    private static String members(String object) {
        return object.length() == 2 ? "" : "," + object.substring(1, object.length() - 1);
    }
}
