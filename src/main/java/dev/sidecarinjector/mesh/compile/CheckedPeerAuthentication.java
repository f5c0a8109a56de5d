package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.MtlsMode;
import java.time.Instant;
import java.util.Map;

/**
 * A PeerAuthentication whose fields passed the checks: its selector's labels (empty: the whole namespace, or the
 * mesh in the root namespace), its mode (null: UNSET, inherited) and its per-port modes (null values: UNSET).
 */
record CheckedPeerAuthentication(String namespace, String name, Instant created, Map<String, String> selector, MtlsMode mode,
                                 Map<Integer, MtlsMode> portLevel) {

    String key() {
        return namespace + "/" + name;
    }

    /** Istio's order when several apply at one level: the oldest wins, then by name. */
    boolean olderThan(CheckedPeerAuthentication other) {
        var byAge = created.compareTo(other.created);
        return byAge != 0 ? byAge < 0 : key().compareTo(other.key()) < 0;
    }
}
