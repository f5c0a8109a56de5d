package dev.sidecarinjector.proxy.cluster;

import dev.sidecarinjector.api.net.Ipv4;
import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ConsistentHash;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * One cluster of one compiled snapshot: its endpoints with their runtime state, its load balancer, circuit
 * breaker and outlier detector. The endpoints and the picker belong to this snapshot; the {@link EndpointState}s and
 * the breaker's counters are carried over from the previous snapshot's cluster of the same name
 * ({@link #compile(Cluster, ClusterState)}), endpoint by {@code address:port}.
 */
public final class ClusterState {

    /** Envoy's default healthy panic threshold, for clusters with no outlier detection. */
    static final int DEFAULT_PANIC_THRESHOLD_PERCENT = 50;

    private final Cluster cluster;
    private final Endpoint[] endpoints;
    private final EndpointState[] states;
    /** Each endpoint's socket address, made once per snapshot rather than per connection. */
    private final InetSocketAddress[] addresses;
    private final EndpointPicker picker;
    /** Null unless the cluster balances by a consistent hash. */
    private final HashTable hashTable;
    private final CircuitBreaker breaker;
    private final OutlierDetector outlierDetector;

    private ClusterState(Cluster cluster, Endpoint[] endpoints, EndpointState[] states, CircuitBreaker breaker) {
        this.cluster = cluster;
        this.endpoints = endpoints;
        this.states = states;
        this.breaker = breaker;
        this.addresses = new InetSocketAddress[endpoints.length];
        for (var i = 0; i < endpoints.length; i++) {
            addresses[i] = socketAddress(endpoints[i]);
        }
        var outlier = cluster.outlierDetection();
        // Istio sets Envoy's panic threshold to minHealthPercent when a DestinationRule has outlierDetection.
        this.picker = new EndpointPicker(cluster.loadBalancer(),
                outlier == null ? DEFAULT_PANIC_THRESHOLD_PERCENT : outlier.minHealthPercent());
        this.outlierDetector = outlier == null ? null : new OutlierDetector(outlier, states);
        var hash = cluster.consistentHash();
        this.hashTable = hash == null ? null : HashTable.of(cluster.loadBalancer(), hash.size(), endpoints);
    }

    /** The cluster of a new snapshot; {@code previous} is the same-named cluster of the current one, or null. */
    public static ClusterState compile(Cluster cluster, ClusterState previous) {
        var known = new HashMap<String, EndpointState>();
        if (previous != null) {
            for (var i = 0; i < previous.endpoints.length; i++) {
                known.put(key(previous.endpoints[i]), previous.states[i]);
            }
        }
        var endpoints = cluster.endpoints().toArray(new Endpoint[0]);
        var states = new EndpointState[endpoints.length];
        for (var i = 0; i < endpoints.length; i++) {
            var state = known.remove(key(endpoints[i]));
            states[i] = state == null ? new EndpointState() : state;
        }
        var breaker = previous == null ? new CircuitBreaker(cluster.connectionPool())
                : previous.breaker.withLimits(cluster.connectionPool());
        return new ClusterState(cluster, endpoints, states, breaker);
    }

    private static String key(Endpoint endpoint) {
        return endpoint.address() + ":" + endpoint.port();
    }

    public Cluster cluster() {
        return cluster;
    }

    public String name() {
        return cluster.name();
    }

    /** To the connection's original destination (Envoy's ORIGINAL_DST): the engine does not {@link #pick}. */
    public boolean passthrough() {
        return cluster.loadBalancer() == LoadBalancer.PASSTHROUGH;
    }

    /** The index of the endpoint for the next try, or {@link EndpointPicker#NONE} (flag UH). */
    public int pick(TriedEndpoints tried, RandomSource random) {
        return picker.pick(states, tried, random, null, 0);
    }

    /**
     * As {@link #pick(TriedEndpoints, RandomSource)}, for a request whose consistent hash is {@code hash}: a
     * consistent-hash cluster sends it where the hash lands; any other cluster ignores it.
     */
    public int pick(TriedEndpoints tried, RandomSource random, long hash) {
        return picker.pick(states, tried, random, hashTable, hash);
    }

    /** The DestinationRule's {@code consistentHash}, or null when the cluster does not balance by one. */
    public ConsistentHash consistentHash() {
        return cluster.consistentHash();
    }

    public int size() {
        return endpoints.length;
    }

    public Endpoint endpoint(int index) {
        return endpoints[index];
    }

    /** The endpoint's address to connect to. */
    public InetSocketAddress address(int index) {
        return addresses[index];
    }

    /** The snapshot checked the address is dotted IPv4: no name lookup happens here. */
    private static InetSocketAddress socketAddress(Endpoint endpoint) {
        var packed = Ipv4.parse(endpoint.address());
        var bytes = new byte[] {(byte) (packed >>> 24), (byte) (packed >>> 16), (byte) (packed >>> 8), (byte) packed};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), endpoint.port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    public EndpointState state(int index) {
        return states[index];
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Null when the cluster has no outlier detection. */
    public OutlierDetector outlierDetector() {
        return outlierDetector;
    }

    /** The read view of {@code /clusters}: one line per endpoint. */
    public List<EndpointView> view() {
        var views = new ArrayList<EndpointView>(endpoints.length);
        for (var i = 0; i < endpoints.length; i++) {
            var state = states[i];
            views.add(new EndpointView(endpoints[i].address(), endpoints[i].port(), state.activeRequests(),
                    state.ejected(), state.timesEjected()));
        }
        return views;
    }
}
