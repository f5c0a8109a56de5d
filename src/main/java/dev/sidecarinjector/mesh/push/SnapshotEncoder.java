package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.RouteTable;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.stream.StreamMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes snapshot messages so that a change costs one encoding of the outbound part per namespace, not per proxy.
 * The compiler hands every proxy of a namespace the same outbound lists (see {@code MeshCompiler}), so the part is
 * cached per namespace by the identity of those lists; lists that are new but encode to the same bytes (a new
 * index where nothing of this namespace changed) keep the old part, so "same part" means "same content" and the
 * pusher can skip such proxies without encoding anything twice. Not thread-safe: the push executor owns it.
 */
final class SnapshotEncoder {

    private static final class Entry {
        List<Listener> listeners;
        List<RouteTable> routeTables;
        List<Cluster> clusters;
        OutboundPart part;
    }

    private final Map<String, Entry> byNamespace = new HashMap<>();
    private long encodings;

    /** The outbound part of {@code snapshot}, a proxy's of {@code namespace}: cached while its lists are the same. */
    OutboundPart outbound(String namespace, Snapshot snapshot) {
        var entry = byNamespace.computeIfAbsent(namespace, ns -> new Entry());
        if (entry.part != null && entry.listeners == snapshot.listeners() && entry.routeTables == snapshot.routeTables()
                && entry.clusters == snapshot.clusters()) {
            return entry.part;
        }
        var encoded = OutboundPart.of(encodeOutbound(snapshot));
        encodings++;
        if (entry.part == null || !entry.part.sameBytes(encoded.utf8())) {
            entry.part = encoded;
        }
        entry.listeners = snapshot.listeners();
        entry.routeTables = snapshot.routeTables();
        entry.clusters = snapshot.clusters();
        return entry.part;
    }

    /**
     * The message {@code StreamMessage.SnapshotPush(version, snapshot with version)}, with {@code outbound} (from
     * {@link #outbound}) for its outbound part.
     */
    SnapshotMessage message(String version, Snapshot snapshot, OutboundPart outbound) {
        // The message with no outbound or inbound part ends in the two closing braces of snapshot and message;
        // the head is what comes before them, and the snapshot object stays open for the parts that follow.
        var bare = new Snapshot(version, snapshot.workload(), List.of(), List.of(), List.of(), List.of());
        var whole = new StreamMessage.SnapshotPush(version, bare).toJson();
        var head = whole.substring(0, whole.length() - 2);
        var inbound = JsonWriter.compact();
        inbound.beginObject().field("inbound", snapshot.inbound()).endObject();
        return new SnapshotMessage(head, outbound, members(inbound.toString()) + "}}");
    }

    /** Forgets the parts of namespaces no connected proxy is in. */
    void retain(Set<String> namespaces) {
        byNamespace.keySet().retainAll(namespaces);
    }

    /** How many outbound parts were encoded so far (tests prove a change costs one per namespace). */
    long encodings() {
        return encodings;
    }

    private static String encodeOutbound(Snapshot s) {
        var json = JsonWriter.compact();
        json.beginObject().field("listeners", s.listeners()).field("routeTables", s.routeTables()).field("clusters", s.clusters()).endObject();
        return members(json.toString());
    }

    /** {@code {"a":1,"b":2}} as {@code ,"a":1,"b":2} (to follow other members), {@code {}} as nothing. */
    private static String members(String object) {
        return object.length() == 2 ? "" : "," + object.substring(1, object.length() - 1);
    }
}
