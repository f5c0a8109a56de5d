package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.Limits;
import dev.sidecarinjector.api.snapshot.MtlsMode;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.istio.api.api.security.v1beta1.PeerAuthenticationMutualTLS;
import io.fabric8.istio.api.security.v1.PeerAuthentication;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PeerAuthentications checked once per index, and what they say for one workload's port, composed as Istio composes
 * them: the oldest mesh-wide policy (root namespace, no selector), then the oldest namespace-wide one, then the oldest
 * one whose selector matches the workload (in its own namespace); each level's UNSET inherits the level above, the
 * default is PERMISSIVE; {@code portLevelMtls} of the workload's policy applies to the listed target ports (its UNSET
 * inherits the workload's mode). A selector policy in the root namespace is for the root namespace's workloads only.
 */
final class PeerAuthentications {

    static final String KIND = "PeerAuthentication";

    private final String rootNamespace;
    private final Map<String, List<CheckedPeerAuthentication>> byNamespace = new HashMap<>();

    PeerAuthentications(MeshIndex index, String rootNamespace, List<Problem> problems, LastGood lastGood) {
        this.rootNamespace = rootNamespace;
        for (var resource : index.peerAuthentications().values()) {
            var checked = lastGood.check(resource, problems, PeerAuthentications::check);
            if (checked != null) {
                byNamespace.computeIfAbsent(checked.namespace(), k -> new ArrayList<>()).add(checked);
            }
        }
    }

    /** What a workload with {@code labels} in {@code namespace} accepts on its target port {@code port}. */
    MtlsMode mode(String namespace, Map<String, String> labels, int port) {
        CheckedPeerAuthentication mesh = null;
        CheckedPeerAuthentication space = null;
        CheckedPeerAuthentication workload = null;
        for (var policy : byNamespace.getOrDefault(rootNamespace, List.of())) {
            if (policy.selector().isEmpty() && (mesh == null || policy.olderThan(mesh))) {
                mesh = policy;
            }
        }
        for (var policy : byNamespace.getOrDefault(namespace, List.of())) {
            if (policy.selector().isEmpty()) {
                if (!namespace.equals(rootNamespace) && (space == null || policy.olderThan(space))) {
                    space = policy;
                }
            } else if (labels.entrySet().containsAll(policy.selector().entrySet()) && (workload == null || policy.olderThan(workload))) {
                workload = policy;
            }
        }
        var mode = MtlsMode.PERMISSIVE;
        for (var level : new CheckedPeerAuthentication[] {mesh, space, workload}) {
            if (level != null && level.mode() != null) {
                mode = level.mode();
            }
        }
        if (workload != null) {
            var atPort = workload.portLevel().get(port);
            if (atPort != null) {
                mode = atPort;
            }
        }
        return mode;
    }

    private static CheckedPeerAuthentication check(PeerAuthentication resource, List<Problem> problems) {
        var namespace = MeshIndex.namespace(resource);
        var name = resource.getMetadata().getName();
        try {
            var spec = resource.getSpec();
            var selector = spec == null || spec.getSelector() == null || spec.getSelector().getMatchLabels() == null
                    ? Map.<String, String>of() : Map.copyOf(spec.getSelector().getMatchLabels());
            var mode = spec == null ? null : mode(spec.getMtls(), "spec.mtls.mode");
            // UNSET at a port is left out: the port inherits the policy's own mode (or the level above's).
            var ports = new HashMap<Integer, MtlsMode>();
            if (spec != null && spec.getPortLevelMtls() != null && !spec.getPortLevelMtls().isEmpty()) {
                if (selector.isEmpty()) {
                    throw new InvalidField("spec.portLevelMtls", null, "needs a spec.selector (Istio refuses port-level mTLS for a whole namespace)");
                }
                for (var entry : spec.getPortLevelMtls().entrySet()) {
                    var field = "spec.portLevelMtls[" + entry.getKey() + "]";
                    int port;
                    try {
                        port = Integer.parseInt(entry.getKey());
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (!Limits.isPort(port)) {
                        throw new InvalidField(field, entry.getKey(), "is not a port (1-65535)");
                    }
                    var atPort = mode(entry.getValue(), field + ".mode");
                    if (atPort != null) {
                        ports.put(port, atPort);
                    }
                }
            }
            return new CheckedPeerAuthentication(namespace, name, DestinationRuleChecker.created(resource.getMetadata().getCreationTimestamp()),
                    selector, mode, Map.copyOf(ports));
        } catch (InvalidField e) {
            problems.add(Problem.invalid(KIND, namespace, name, e.field, e.value, e.getMessage()));
            return null;
        }
    }

    /** A mode as written; null for UNSET or none. */
    private static MtlsMode mode(PeerAuthenticationMutualTLS mtls, String field) {
        if (mtls == null || mtls.getMode() == null) {
            return null;
        }
        return switch (mtls.getMode()) {
            case UNSET -> null;
            case DISABLE -> MtlsMode.DISABLE;
            case PERMISSIVE -> MtlsMode.PERMISSIVE;
            case STRICT -> MtlsMode.STRICT;
        };
    }
}
