package dev.sidecarinjector.proxy.mesh;

import dev.sidecarinjector.api.net.Ipv4;
import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.proxy.authn.JwtAuthenticator;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import dev.sidecarinjector.proxy.policy.Authorizer;
import dev.sidecarinjector.proxy.route.CompiledRouteTable;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link Snapshot} compiled once, when it is swapped in, into what requests look up: listeners by original
 * destination, route tables and clusters by name, route matches already narrowed to this proxy's workload, the inbound
 * AuthorizationPolicies' matchers, the inbound policy's JWT rules with their keys parsed.
 * Immutable apart from the clusters' runtime state (active requests, ejections, breaker counters), which carries
 * over from the snapshot it replaces for the clusters and endpoints that are still there.
 */
public final class CompiledSnapshot {

    /** Before the first snapshot: no listener, no route; the proxy relays at L4 as without a control plane. */
    public static final CompiledSnapshot EMPTY = compile(null, null);

    private final Snapshot snapshot;
    private final ListenerIndex listeners;
    private final Map<String, CompiledRouteTable> routeTables;
    private final Map<String, ClusterState> clusters;
    /** The workload's inbound ports by number (index = port): an array lookup per accepted connection. */
    private final InboundPort[] inbound;
    /** The inbound AuthorizationPolicies, compiled once for HTTP ports and once for TCP ones. */
    private final Authorizer httpAuthorizer;
    private final Authorizer tcpAuthorizer;
    /** RequestAuthentication: carried over from the snapshot it replaces while its rules are the same. */
    private final JwtAuthenticator jwt;

    private CompiledSnapshot(Snapshot snapshot, ListenerIndex listeners, Map<String, CompiledRouteTable> routeTables,
                             Map<String, ClusterState> clusters, InboundPort[] inbound, JwtAuthenticator jwt) {
        this.snapshot = snapshot;
        this.listeners = listeners;
        this.routeTables = routeTables;
        this.clusters = clusters;
        this.inbound = inbound;
        var policies = snapshot == null ? java.util.List.<dev.sidecarinjector.api.snapshot.AuthzPolicy>of()
                : snapshot.inboundPolicy().authorization();
        this.httpAuthorizer = Authorizer.compile(policies, false);
        this.tcpAuthorizer = Authorizer.compile(policies, true);
        this.jwt = jwt;
    }

    /** Compiles {@code snapshot}; {@code previous} (may be null) lends its clusters' runtime state. */
    public static CompiledSnapshot compile(Snapshot snapshot, CompiledSnapshot previous) {
        if (snapshot == null) {
            return new CompiledSnapshot(null, new ListenerIndex(new CompiledListener[0]), Map.of(), Map.of(), new InboundPort[0],
                    JwtAuthenticator.NONE);
        }
        var clusters = new LinkedHashMap<String, ClusterState>();
        for (var cluster : snapshot.clusters()) {
            clusters.put(cluster.name(), ClusterState.compile(cluster, previous == null ? null : previous.clusters.get(cluster.name())));
        }
        var tables = new HashMap<String, CompiledRouteTable>();
        for (var table : snapshot.routeTables()) {
            tables.put(table.name(), CompiledRouteTable.compile(table, snapshot.workload(), clusters));
        }
        var listeners = new CompiledListener[snapshot.listeners().size()];
        for (var i = 0; i < listeners.length; i++) {
            var listener = snapshot.listeners().get(i);
            listeners[i] = CompiledListener.compile(listener, Ipv4.parse(listener.address()),
                    listener.routeTable() == null ? null : tables.get(listener.routeTable()), clusters, snapshot.workload());
        }
        var highest = 0;
        for (var port : snapshot.inbound()) {
            highest = Math.max(highest, port.port());
        }
        var inbound = new InboundPort[snapshot.inbound().isEmpty() ? 0 : highest + 1];
        for (var port : snapshot.inbound()) {
            inbound[port.port()] = port;
        }
        var jwt = JwtAuthenticator.compile(snapshot.inboundPolicy().requestAuthentication(), previous == null ? null : previous.jwt);
        return new CompiledSnapshot(snapshot, new ListenerIndex(listeners), Collections.unmodifiableMap(tables),
                Collections.unmodifiableMap(clusters), inbound, jwt);
    }

    /** Null for {@link #EMPTY}. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** The version the control plane gave, or "" before the first snapshot. */
    public String version() {
        return snapshot == null ? "" : snapshot.version();
    }

    /** The listener for a connection's original destination (IPv4 as an int, as Netty's SO_ORIGINAL_DST gives it). */
    public CompiledListener listener(int address, int port) {
        return listeners.get(address, port);
    }

    /** The workload's inbound port {@code port}, or null: not a port of its Services (relayed at L4). */
    public InboundPort inboundPort(int port) {
        return port >= 0 && port < inbound.length ? inbound[port] : null;
    }

    /** The workload's inbound AuthorizationPolicies for an HTTP port, or ({@code tcp}) for a TCP one. */
    public Authorizer authorizer(boolean tcp) {
        return tcp ? tcpAuthorizer : httpAuthorizer;
    }

    /** RequestAuthentication's check of inbound requests ({@link JwtAuthenticator#NONE} when no policy selects the workload). */
    public JwtAuthenticator jwt() {
        return jwt;
    }

    public CompiledRouteTable routeTable(String name) {
        return routeTables.get(name);
    }

    public ClusterState cluster(String name) {
        return clusters.get(name);
    }

    /** Every cluster, in the snapshot's order (for {@code /clusters} and the outlier timers). */
    public Collection<ClusterState> clusters() {
        return clusters.values();
    }
}
