package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.AuthzPolicy;
import dev.sidecarinjector.api.snapshot.InboundPolicy;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles a proxy's {@link Snapshot} from a {@link MeshIndex}, as istiod does for Envoy: pure (no I/O, no
 * framework), with Istio's semantics for Services, EndpointSlices, VirtualServices, DestinationRules, PeerAuthentications,
 * AuthorizationPolicies and RequestAuthentications. The resources are checked once per index and the outbound part
 * once per (index, client namespace), then reused by every proxy of that namespace; only the workload, its inbound
 * ports and inbound policy are per proxy (the policy takes the keys of {@code jwksUri}s from a {@link JwksLookup},
 * whatever was fetched last). Safe to call from several threads.
 */
public final class MeshCompiler {

    private final String domain;
    private final String rootNamespace;
    private final JwksLookup jwks;
    private volatile Cache cache;
    /** Each object's last version that passed its checks, for the next index (guarded by this compiler's lock). */
    private final LastGood lastGood = new LastGood();

    /** A compiler that knows no fetched keys ({@link JwksLookup#NONE}). */
    public MeshCompiler(String domain, String rootNamespace) {
        this(domain, rootNamespace, JwksLookup.NONE);
    }

    /**
     * {@code domain}: the cluster's DNS domain ({@code cluster.local}); {@code rootNamespace}: Istio's ({@code istio-system});
     * {@code jwks}: the key sets fetched for RequestAuthentication {@code jwksUri}s.
     */
    public MeshCompiler(String domain, String rootNamespace, JwksLookup jwks) {
        this.domain = domain;
        this.rootNamespace = rootNamespace;
        this.jwks = jwks;
    }

    /** Where fetched keys come from; its changes change snapshots as a new index does. */
    public JwksLookup jwks() {
        return jwks;
    }

    private record Cache(MeshIndex index, CheckedMesh mesh, ConcurrentHashMap<String, Outbound> outbound) {
    }

    /** The snapshot of pod {@code namespace/pod}, labelled {@code version}; an {@link UnknownPodException} when the index has no such pod. */
    public CompileResult compile(MeshIndex index, String namespace, String pod, String version) throws UnknownPodException {
        var resource = index.pods().get(namespace + "/" + pod);
        if (resource == null) {
            throw new UnknownPodException(namespace, pod);
        }
        var current = cacheFor(index);
        var outbound = current.outbound.computeIfAbsent(namespace, ns -> new OutboundCompiler(current.mesh, ns).compile());
        var workload = current.mesh.registry.workload(namespace, pod);
        var problems = new TreeSet<Problem>(current.mesh.problems);
        problems.addAll(outbound.problems());
        var inboundProblems = new ArrayList<Problem>();
        var inbound = InboundPorts.of(current.mesh.registry, current.mesh.peerAuthentications, current.mesh.rateLimitPolicies, resource, namespace, workload.labels(),
                inboundProblems);
        var policies = current.mesh.authorizationPolicies.forWorkload(namespace, workload.labels());
        AuthorizationPolicies.reportHttpOnly(policies, inbound, inboundProblems);
        problems.addAll(inboundProblems);
        var authorization = new ArrayList<AuthzPolicy>(policies.size());
        for (var policy : policies) {
            authorization.add(policy.policy());
        }
        var inboundPolicy = new InboundPolicy(authorization, current.mesh.requestAuthentications.rules(namespace, workload.labels(), jwks));
        var snapshot = new Snapshot(version, workload, outbound.listeners(), outbound.routeTables(), outbound.clusters(), inbound, inboundPolicy);
        return new CompileResult(snapshot, List.copyOf(problems));
    }

    /** The problems of an index that do not depend on a client: the resources left out, and the warnings. */
    public List<Problem> problems(MeshIndex index) {
        return List.copyOf(new TreeSet<>(cacheFor(index).mesh.problems));
    }

    /** Every RequestAuthentication {@code jwksUri} of an index's valid policies: what to fetch and keep fresh. */
    public Set<String> jwksUris(MeshIndex index) {
        return cacheFor(index).mesh.requestAuthentications.jwksUris();
    }

    private Cache cacheFor(MeshIndex index) {
        var current = cache;
        if (current == null || current.index != index) {
            synchronized (this) {
                current = cache;
                if (current == null || current.index != index) {
                    lastGood.begin();
                    current = new Cache(index, new CheckedMesh(index, domain, rootNamespace, lastGood), new ConcurrentHashMap<>());
                    cache = current;
                }
            }
        }
        return current;
    }
}
