package dev.sidecarinjector.mesh.index;

import dev.sidecarinjector.mesh.model.HttpLocalRateLimitPolicy;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import io.fabric8.istio.api.security.v1.PeerAuthentication;
import io.fabric8.istio.api.security.v1.RequestAuthentication;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One consistent view of everything the mesh is compiled from: Services, EndpointSlices, Pods, VirtualServices,
 * DestinationRules, PeerAuthentications, AuthorizationPolicies, HTTPLocalRateLimitPolicies and RequestAuthentications, each by {@code namespace/name} in name order. A new index replaces the old one whole on
 * every change; nobody modifies the objects of an index once it is built. {@code version} grows with every index
 * a source publishes, so compiled results can be cached by it.
 */
public record MeshIndex(long version, SortedMap<String, Service> services, SortedMap<String, EndpointSlice> endpointSlices,
                        SortedMap<String, Pod> pods, SortedMap<String, VirtualService> virtualServices,
                        SortedMap<String, DestinationRule> destinationRules,
                        SortedMap<String, PeerAuthentication> peerAuthentications,
                        SortedMap<String, AuthorizationPolicy> authorizationPolicies,
                        SortedMap<String, HttpLocalRateLimitPolicy> rateLimitPolicies,
                        SortedMap<String, RequestAuthentication> requestAuthentications) {

    public static final MeshIndex EMPTY = of(0, java.util.List.of());

    public MeshIndex {
        services = Collections.unmodifiableSortedMap(services);
        endpointSlices = Collections.unmodifiableSortedMap(endpointSlices);
        pods = Collections.unmodifiableSortedMap(pods);
        virtualServices = Collections.unmodifiableSortedMap(virtualServices);
        destinationRules = Collections.unmodifiableSortedMap(destinationRules);
        peerAuthentications = Collections.unmodifiableSortedMap(peerAuthentications);
        authorizationPolicies = Collections.unmodifiableSortedMap(authorizationPolicies);
        rateLimitPolicies = Collections.unmodifiableSortedMap(rateLimitPolicies);
        requestAuthentications = Collections.unmodifiableSortedMap(requestAuthentications);
    }

    /** An index of {@code resources}; kinds other than these nine are ignored, a later duplicate replaces an earlier one. */
    public static MeshIndex of(long version, Collection<? extends HasMetadata> resources) {
        var services = new TreeMap<String, Service>();
        var slices = new TreeMap<String, EndpointSlice>();
        var pods = new TreeMap<String, Pod>();
        var virtualServices = new TreeMap<String, VirtualService>();
        var destinationRules = new TreeMap<String, DestinationRule>();
        var peerAuthentications = new TreeMap<String, PeerAuthentication>();
        var authorizationPolicies = new TreeMap<String, AuthorizationPolicy>();
        var rateLimitPolicies = new TreeMap<String, HttpLocalRateLimitPolicy>();
        var requestAuthentications = new TreeMap<String, RequestAuthentication>();
        for (var resource : resources) {
            var key = key(resource);
            switch (resource) {
                case Service s -> services.put(key, s);
                case EndpointSlice s -> slices.put(key, s);
                case Pod p -> pods.put(key, p);
                case VirtualService v -> virtualServices.put(key, v);
                case DestinationRule d -> destinationRules.put(key, d);
                case PeerAuthentication a -> peerAuthentications.put(key, a);
                case AuthorizationPolicy a -> authorizationPolicies.put(key, a);
                case HttpLocalRateLimitPolicy r -> rateLimitPolicies.put(key, r);
                case RequestAuthentication a -> requestAuthentications.put(key, a);
                default -> {
                }
            }
        }
        return new MeshIndex(version, services, slices, pods, virtualServices, destinationRules, peerAuthentications, authorizationPolicies,
                rateLimitPolicies, requestAuthentications);
    }

    /** The same objects under another version. */
    public MeshIndex withVersion(long newVersion) {
        return new MeshIndex(newVersion, services, endpointSlices, pods, virtualServices, destinationRules, peerAuthentications,
                authorizationPolicies, rateLimitPolicies, requestAuthentications);
    }

    /** {@code namespace/name} of a resource; a resource with no namespace is in {@code default}, as kubectl applies it. */
    public static String key(HasMetadata resource) {
        return namespace(resource) + "/" + resource.getMetadata().getName();
    }

    public static String namespace(HasMetadata resource) {
        var namespace = resource.getMetadata().getNamespace();
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    /** How many objects the index holds, for logs. */
    public int size() {
        return services.size() + endpointSlices.size() + pods.size() + virtualServices.size() + destinationRules.size()
                + peerAuthentications.size() + authorizationPolicies.size() + rateLimitPolicies.size() + requestAuthentications.size();
    }
}
