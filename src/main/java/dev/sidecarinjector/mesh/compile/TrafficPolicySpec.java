package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.ClusterTls;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.ConsistentHash;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.OutlierDetection;
import java.util.Map;

/**
 * A checked DestinationRule {@code trafficPolicy}: each part null when not set, so that Istio's merge (subset over
 * top level, port level over both) can tell "not set" from "set to the default".
 */
record TrafficPolicySpec(ConnectionPool connectionPool, Balancing loadBalancer, OutlierDetection outlierDetection,
                         ClusterTls tls, Map<Integer, TrafficPolicySpec> portLevel) {

    /** A checked {@code loadBalancer}: the policy, and for a consistent hash ({@code policy} hashed) its key and table. */
    record Balancing(LoadBalancer policy, ConsistentHash hash) {
    }

    static final TrafficPolicySpec NONE = new TrafficPolicySpec(null, null, null, null, Map.of());

    /** Istio's mergePortLevelTrafficPolicy: the settings for {@code port} replace the top-level parts they set. */
    TrafficPolicySpec atPort(int port) {
        var level = portLevel.get(port);
        if (level == null) {
            return this;
        }
        return new TrafficPolicySpec(level.connectionPool != null ? level.connectionPool : connectionPool,
                level.loadBalancer != null ? level.loadBalancer : loadBalancer,
                level.outlierDetection != null ? level.outlierDetection : outlierDetection, level.tls != null ? level.tls : tls, Map.of());
    }

    /** Istio's MergeTrafficPolicy: both at {@code port}, then every part the subset sets replaces the top level's. */
    static TrafficPolicySpec merge(TrafficPolicySpec top, TrafficPolicySpec subset, int port) {
        var base = top.atPort(port);
        if (subset == null) {
            return base;
        }
        var own = subset.atPort(port);
        return new TrafficPolicySpec(own.connectionPool != null ? own.connectionPool : base.connectionPool,
                own.loadBalancer != null ? own.loadBalancer : base.loadBalancer,
                own.outlierDetection != null ? own.outlierDetection : base.outlierDetection, own.tls != null ? own.tls : base.tls, Map.of());
    }
}
