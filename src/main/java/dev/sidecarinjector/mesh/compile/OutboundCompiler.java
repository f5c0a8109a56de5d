package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.net.Ipv4;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ClusterTls;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.Headers;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.Route;
import dev.sidecarinjector.api.snapshot.RouteTable;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.TcpMatch;
import dev.sidecarinjector.api.snapshot.TcpRoute;
import dev.sidecarinjector.api.snapshot.WeightedCluster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles the outbound configuration that every proxy of one namespace gets: a listener per Service port (per
 * endpoint for a headless Service), a route table per HTTP port (from the VirtualService that wins the host, or
 * Istio's default route), and a cluster per Service port and DestinationRule subset.
 */
final class OutboundCompiler {

    private final CheckedMesh mesh;
    private final String namespace;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Cluster> clusters = new TreeMap<>();
    private final Set<String> invalid = new HashSet<>();
    /** The VirtualServices with http routes, by the hosts they claim; and those with tcp routes. */
    private final Claims http = new Claims();
    private final Claims tcp = new Claims();
    /** "namespace/name host" of each VirtualService already reported for losing a host to an older one. */
    private final Set<String> reported = new HashSet<>();

    OutboundCompiler(CheckedMesh mesh, String namespace) {
        this.mesh = mesh;
        this.namespace = namespace;
    }

    Outbound compile() {
        selectVirtualServices();
        var listeners = new LinkedHashMap<String, Listener>();
        var tables = new TreeMap<String, RouteTable>();
        for (var service : mesh.registry.byHost.values()) {
            var ref = service.ref();
            var rule = mesh.destinationRule(namespace, ref.host(), ref.namespace());
            var virtualService = service.ports().stream().anyMatch(p -> p.protocol() == Protocol.HTTP) ? http.winner(ref.host()) : null;
            var tcpService = service.ports().stream().anyMatch(p -> p.protocol() == Protocol.TCP) ? tcp.winner(ref.host()) : null;
            for (var port : service.ports()) {
                var defaultCluster = cluster(service, port, null, rule);
                if (rule != null) {
                    for (var subset : rule.subsets().keySet()) {
                        cluster(service, port, subset, rule);
                    }
                }
                var table = port.protocol() == Protocol.HTTP ? ref.host() + ":" + port.port() : null;
                var tcpCluster = port.protocol() == Protocol.TCP ? defaultCluster : null;
                var tcpRoutes = port.protocol() == Protocol.TCP && tcpService != null ? tcpRoutes(tcpService, port.port()) : List.<TcpRoute>of();
                if (service.clusterIp() != null) {
                    listeners.putIfAbsent(service.clusterIp() + ":" + port.port(),
                            new Listener(service.clusterIp(), port.port(), port.protocol(), ref, table, tcpCluster, tcpRoutes));
                } else {
                    for (var endpoint : port.endpoints()) {
                        var e = endpoint.endpoint();
                        listeners.putIfAbsent(e.address() + ":" + e.port(),
                                new Listener(e.address(), e.port(), port.protocol(), ref, table, tcpCluster, tcpRoutes));
                    }
                }
                if (table != null) {
                    tables.put(table, virtualService == null ? defaultTable(table, defaultCluster)
                            : new RouteTable(table, virtualService.key(), routes(virtualService, service, port.port())));
                }
            }
        }
        var sortedListeners = new ArrayList<>(listeners.values());
        sortedListeners.sort(Comparator.comparingLong((Listener l) -> Ipv4.parse(l.address())).thenComparingInt(Listener::port));
        return new Outbound(List.copyOf(sortedListeners), List.copyOf(tables.values()), List.copyOf(clusters.values()), List.copyOf(problems));
    }

    /** Istio's route when no VirtualService claims the host: everything to the Service's port, with the default retries. */
    private static RouteTable defaultTable(String name, String cluster) {
        return new RouteTable(name, null, List.of(new Route("default", List.of(), List.of(new WeightedCluster(cluster, 100, Headers.NONE)),
                null, 0, VirtualServiceChecker.DEFAULT_RETRIES, null, null, Headers.NONE)));
    }

    /**
     * The VirtualServices visible here whose subsets all exist, by the hosts they claim, once for their http routes and
     * once for their tcp routes; the others are reported and left out. One with no http routes claims no HTTP host, as in
     * Istio, where it builds no virtual host: the host keeps its default route, or takes the routes of the next
     * VirtualService that has some; the same for TCP ports and tcp routes.
     */
    private void selectVirtualServices() {
        for (var vs : mesh.virtualServices) {
            if (!vs.visibleFrom(namespace) || !subsetsExist(vs)) {
                continue;
            }
            if (!vs.routes().isEmpty()) {
                http.add(vs);
            }
            if (!vs.tcpRoutes().isEmpty()) {
                tcp.add(vs);
            }
        }
        http.reportLosers();
        tcp.reportLosers();
    }

    /** VirtualServices by the hosts they claim, for one kind of route, with Istio's precedence among them. */
    private final class Claims {
        private final Map<String, List<CheckedVirtualService>> exact = new HashMap<>();
        private final List<CheckedVirtualService> wildcards = new ArrayList<>();

        void add(CheckedVirtualService vs) {
            for (var host : vs.hosts()) {
                if (Hosts.isWildcard(host)) {
                    wildcards.add(vs);
                } else {
                    exact.computeIfAbsent(host, k -> new ArrayList<>()).add(vs);
                }
            }
        }

        void reportLosers() {
            for (var entry : exact.entrySet()) {
                var claims = entry.getValue();
                for (var i = 1; i < claims.size(); i++) {
                    var loser = claims.get(i);
                    if (loser != claims.getFirst() && reported.add(loser.key() + " " + entry.getKey())) {
                        problems.add(Problem.ignored(VirtualServiceChecker.KIND, loser.namespace(), loser.name(), "spec.hosts",
                                entry.getKey(), "is also a host of the older VirtualService " + claims.getFirst().key()
                                        + ", which is used for it instead"));
                    }
                }
            }
        }

        /** Istio's precedence: an exact host before any wildcard, a longer wildcard before a shorter, the oldest among equals. */
        CheckedVirtualService winner(String host) {
            var claims = exact.get(host);
            if (claims != null) {
                return claims.getFirst();
            }
            CheckedVirtualService best = null;
            String bestPattern = null;
            for (var vs : wildcards) {
                for (var pattern : vs.hosts()) {
                    if (Hosts.isWildcard(pattern) && Hosts.covers(pattern, host)
                            && (best == null || Hosts.specificity(pattern) > Hosts.specificity(bestPattern))) {
                        best = vs;
                        bestPattern = pattern;
                    }
                }
            }
            return best;
        }
    }

    private boolean subsetsExist(CheckedVirtualService vs) {
        var destinations = new ArrayList<RouteSpec.DestinationSpec>();
        vs.routes().forEach(route -> destinations.addAll(route.destinations()));
        vs.tcpRoutes().forEach(route -> destinations.addAll(route.destinations()));
        for (var destination : destinations) {
            if (destination.subset() == null) {
                continue;
            }
            var rule = mesh.destinationRule(namespace, destination.host(), CheckedMesh.namespaceOf(destination.host(), vs.namespace()));
            if (rule == null || !rule.subsets().containsKey(destination.subset())) {
                if (invalid.add(vs.key())) {
                    problems.add(Problem.invalid(VirtualServiceChecker.KIND, vs.namespace(), vs.name(), destination.field() + ".subset",
                            destination.subset(), "is not a subset of " + (rule == null ? "any DestinationRule for " + destination.host()
                                    : "DestinationRule " + rule.key())));
                }
                return false;
            }
        }
        return true;
    }

    /**
     * The VirtualService's tcp routes for a Service's TCP port: matches naming another port dropped (and a route left
     * with none of its matches dropped), the rest's port cleared (it held), destinations bound to clusters.
     */
    private List<TcpRoute> tcpRoutes(CheckedVirtualService vs, int servicePort) {
        var routes = new ArrayList<TcpRoute>();
        for (var spec : vs.tcpRoutes()) {
            var matches = new ArrayList<TcpMatch>();
            for (var match : spec.matches()) {
                if (match.port() == 0 || match.port() == servicePort) {
                    matches.add(new TcpMatch(match.destinationSubnets(), 0, match.sourceLabels(), match.sourceNamespace()));
                }
            }
            if (!spec.matches().isEmpty() && matches.isEmpty()) {
                continue;
            }
            var destinations = new ArrayList<WeightedCluster>();
            for (var destination : spec.destinations()) {
                destinations.add(new WeightedCluster(destinationCluster(vs, destination, servicePort), destination.weight(), Headers.NONE));
            }
            routes.add(new TcpRoute(spec.name(), matches, destinations));
        }
        return routes;
    }

    private List<Route> routes(CheckedVirtualService vs, ServiceRegistry.ServiceEntry service, int listenerPort) {
        var routes = new ArrayList<Route>();
        for (var spec : vs.routes()) {
            var destinations = new ArrayList<WeightedCluster>();
            for (var destination : spec.destinations()) {
                destinations.add(new WeightedCluster(destinationCluster(vs, destination, listenerPort), destination.weight(), destination.headers()));
            }
            routes.add(new Route(spec.name(), spec.matches(), destinations, spec.redirect(), spec.directResponse(), spec.timeoutMs(), spec.retries(),
                    spec.fault(), spec.rewrite(), spec.headers(), spec.cors()));
        }
        return routes;
    }

    /** The cluster a destination goes to: its port is {@code port.number}, else the Service's only port, else the listener's. */
    private String destinationCluster(CheckedVirtualService vs, RouteSpec.DestinationSpec destination, int listenerPort) {
        var target = mesh.registry.service(destination.host());
        var port = destination.port();
        if (port == 0) {
            port = target != null && target.ports().size() == 1 ? target.ports().getFirst().port() : listenerPort;
        }
        var name = Cluster.outboundName(port, destination.subset(), destination.host());
        if (clusters.containsKey(name)) {
            return name;
        }
        var servicePort = target == null ? null : target.port(port);
        if (servicePort != null) {
            var rule = mesh.destinationRule(namespace, destination.host(), target.ref().namespace());
            return cluster(target, servicePort, destination.subset(), rule);
        }
        problems.add(Problem.ignored(VirtualServiceChecker.KIND, vs.namespace(), vs.name(), destination.field(), destination.host() + ":" + port,
                "is not a known Service port: requests routed there get 503"));
        var hostNamespace = CheckedMesh.namespaceOf(destination.host(), vs.namespace());
        var first = destination.host().indexOf('.');
        var ref = new ServiceRef(destination.host(), first < 0 ? destination.host() : destination.host().substring(0, first), hostNamespace);
        clusters.put(name, new Cluster(name, ref, port, destination.subset(), Protocol.HTTP, LoadBalancer.LEAST_REQUEST,
                ConnectionPool.DEFAULT, null, List.of()));
        return name;
    }

    /** Adds the cluster of a Service port and subset (null: the whole Service) with its merged policy; its name. */
    private String cluster(ServiceRegistry.ServiceEntry service, ServiceRegistry.Port port, String subset, CheckedDestinationRule rule) {
        var name = Cluster.outboundName(port.port(), subset, service.ref().host());
        if (clusters.containsKey(name)) {
            return name;
        }
        var subsetSpec = subset == null || rule == null ? null : rule.subsets().get(subset);
        var policy = rule == null ? TrafficPolicySpec.NONE : TrafficPolicySpec.merge(rule.policy(), subsetSpec == null ? null : subsetSpec.policy(), port.port());
        var endpoints = new ArrayList<Endpoint>();
        for (var endpoint : port.endpoints()) {
            if (subsetSpec == null || endpoint.labels().entrySet().containsAll(subsetSpec.labels().entrySet())) {
                endpoints.add(endpoint.endpoint());
            }
        }
        // A headless Service is reached at the address the client chose, as Istio's ORIGINAL_DST clusters.
        var balancing = service.clusterIp() == null ? new TrafficPolicySpec.Balancing(LoadBalancer.PASSTHROUGH, null)
                : policy.loadBalancer() == null ? new TrafficPolicySpec.Balancing(LoadBalancer.LEAST_REQUEST, null) : policy.loadBalancer();
        clusters.put(name, new Cluster(name, service.ref(), port.port(), subset, port.protocol(), balancing.policy(),
                policy.connectionPool() == null ? ConnectionPool.DEFAULT : policy.connectionPool(), policy.outlierDetection(), endpoints,
                policy.tls() == null ? ClusterTls.AUTO : policy.tls(), balancing.hash()));
        return name;
    }
}
