package dev.sidecarinjector.mesh.compile;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A DestinationRule whose fields all passed the checks: its host as an FQDN, exportTo, policy and subsets by name. */
record CheckedDestinationRule(String namespace, String name, Instant created, String host, List<String> exportTo,
                              TrafficPolicySpec policy, Map<String, Subset> subsets) {

    /** A subset: the pod labels it selects and its own policy (null: the top level's). */
    record Subset(Map<String, String> labels, TrafficPolicySpec policy) {
    }

    String key() {
        return namespace + "/" + name;
    }

    static int olderFirst(CheckedDestinationRule a, CheckedDestinationRule b) {
        var byAge = a.created.compareTo(b.created);
        return byAge != 0 ? byAge : a.key().compareTo(b.key());
    }
}
