package dev.sidecarinjector.proxy.cluster;

import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster's load balancer: picks the index of the endpoint for the next try. Ejected endpoints are skipped
 * unless fewer than {@code panicThresholdPercent} of the endpoints are healthy (Envoy's panic mode: then it balances
 * over all of them); endpoints already {@link TriedEndpoints tried} are skipped while another one is eligible.
 * Thread-safe and lock-free: event loops pick concurrently; the only shared write is ROUND_ROBIN's cursor.
 * Every eligible endpoint has the same weight (the snapshot carries none).
 */
public final class EndpointPicker {

    /** {@link #pick} found nothing to send to: no endpoint, or every one ejected outside panic mode (flag UH). */
    public static final int NONE = -1;

    private static final int SKIP_EJECTED = 1;
    private static final int SKIP_TRIED = 2;

    private final LoadBalancer policy;
    private final int panicThresholdPercent;
    private final AtomicInteger cursor = new AtomicInteger();

    /**
     * {@code panicThresholdPercent}: Envoy's healthy panic threshold, 50 by default; Istio sets it to the
     * DestinationRule's {@code outlierDetection.minHealthPercent} (0 turns panic mode off).
     */
    public EndpointPicker(LoadBalancer policy, int panicThresholdPercent) {
        this.policy = policy;
        this.panicThresholdPercent = panicThresholdPercent;
    }

    public LoadBalancer policy() {
        return policy;
    }

    /**
     * The index in {@code states} of the endpoint to try, or {@link #NONE}. {@code tried} may be null. A
     * PASSTHROUGH cluster has no endpoints (the engine connects to the original destination): {@link #NONE}.
     */
    public int pick(EndpointState[] states, TriedEndpoints tried, RandomSource random) {
        return pick(states, tried, random, null, 0);
    }

    /**
     * As {@link #pick(EndpointState[], TriedEndpoints, RandomSource)}; for a consistent-hash cluster, {@code table} is
     * its table and {@code hash} the request's: the endpoint the hash lands on, or the next eligible one after it.
     */
    public int pick(EndpointState[] states, TriedEndpoints tried, RandomSource random, HashTable table, long hash) {
        var total = states.length;
        if (total == 0) {
            return NONE;
        }
        var healthy = 0;
        for (var state : states) {
            if (!state.ejected) {
                healthy++;
            }
        }
        var filter = healthy * 100L < (long) panicThresholdPercent * total ? 0 : SKIP_EJECTED;
        var eligible = tried == null || tried.size() == 0 ? 0 : count(states, filter | SKIP_TRIED, tried);
        if (eligible > 0) {
            filter |= SKIP_TRIED;
        } else {
            eligible = count(states, filter, tried);
        }
        if (eligible == 0) {
            return NONE;
        }
        return switch (policy) {
            case ROUND_ROBIN -> roundRobin(states, filter, tried);
            case RANDOM -> nth(states, filter, tried, random.nextInt(eligible));
            case LEAST_REQUEST -> leastRequest(states, filter, tried, eligible, random);
            case PASSTHROUGH -> NONE;
            case RING_HASH, MAGLEV -> table == null ? nth(states, filter, tried, random.nextInt(eligible)) : hashed(states, filter, tried, table, hash);
        };
    }

    /** The first eligible endpoint from where the hash lands on; there is one (the caller counted them). */
    private static int hashed(EndpointState[] states, int filter, TriedEndpoints tried, HashTable table, long hash) {
        var start = table.start(hash);
        for (var step = 0; step < table.length(); step++) {
            var owner = table.owner(start, step);
            if (eligible(states[owner], owner, filter, tried)) {
                return owner;
            }
        }
        return NONE;
    }

    /** Envoy's LEAST_REQUEST with equal weights: the less busy of two random choices (power of two choices). */
    private static int leastRequest(EndpointState[] states, int filter, TriedEndpoints tried, int eligible, RandomSource random) {
        var first = nth(states, filter, tried, random.nextInt(eligible));
        if (eligible == 1) {
            return first;
        }
        var second = nth(states, filter, tried, random.nextInt(eligible));
        return states[second].activeRequests.get() < states[first].activeRequests.get() ? second : first;
    }

    private int roundRobin(EndpointState[] states, int filter, TriedEndpoints tried) {
        var start = Math.floorMod(cursor.getAndIncrement(), states.length);
        for (var step = 0; step < states.length; step++) {
            var i = (start + step) % states.length;
            if (eligible(states[i], i, filter, tried)) {
                return i;
            }
        }
        return NONE;
    }

    private static int nth(EndpointState[] states, int filter, TriedEndpoints tried, int rank) {
        for (var i = 0; i < states.length; i++) {
            if (eligible(states[i], i, filter, tried) && rank-- == 0) {
                return i;
            }
        }
        return NONE;
    }

    private static int count(EndpointState[] states, int filter, TriedEndpoints tried) {
        var count = 0;
        for (var i = 0; i < states.length; i++) {
            if (eligible(states[i], i, filter, tried)) {
                count++;
            }
        }
        return count;
    }

    private static boolean eligible(EndpointState state, int index, int filter, TriedEndpoints tried) {
        return ((filter & SKIP_EJECTED) == 0 || !state.ejected) && ((filter & SKIP_TRIED) == 0 || !tried.contains(index));
    }
}
