package dev.sidecarinjector.proxy.cluster;

import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import java.util.Arrays;

/**
 * Where a request's hash lands among a consistent-hash cluster's endpoints, built once per snapshot from their
 * addresses (so the same endpoints give the same table in every proxy): a {@link LoadBalancer#RING_HASH ring} of at
 * least {@code size} points, each endpoint at as many as the size asks for divided among them, a hash owned by the
 * first point at or after it; or a {@link LoadBalancer#MAGLEV Maglev} table of {@code size} (prime) slots, filled in
 * turns from each endpoint's own permutation, a hash owned by the slot it falls in. An endpoint that joins or leaves
 * moves only the hashes it owns (ring) or about 1/n of them (Maglev). {@link #owner} walks on from the starting
 * position, so the picker can pass over an endpoint that is ejected or already tried to the next one.
 */
final class HashTable {

    /** The low bits of a ring point that hold its endpoint while the ring is sorted (at most 2^20 endpoints). */
    private static final long OWNER_MASK = (1L << 20) - 1;

    /** Ring only: the points, ascending (as unsigned 64-bit numbers), their low 20 bits zero. */
    private final long[] points;
    /** Ring: the endpoint of each point; Maglev: the endpoint of each slot. */
    private final int[] owners;

    private HashTable(long[] points, int[] owners) {
        this.points = points;
        this.owners = owners;
    }

    static HashTable of(LoadBalancer table, int size, Endpoint[] endpoints) {
        return table == LoadBalancer.MAGLEV ? maglev(size, endpoints) : ring(size, endpoints);
    }

    static HashTable ring(int minimumSize, Endpoint[] endpoints) {
        if (endpoints.length == 0) {
            return new HashTable(new long[0], new int[0]);
        }
        var perEndpoint = (minimumSize + endpoints.length - 1) / endpoints.length;
        // Each point packed with its endpoint in the low bits (ties go to the earlier endpoint, so every proxy builds
        // the same ring) and its top bit flipped, so that a signed sort orders the hashes as unsigned numbers.
        var packed = new long[perEndpoint * endpoints.length];
        var n = 0;
        for (var i = 0; i < endpoints.length; i++) {
            var key = key(endpoints[i]) + "_";
            for (var replica = 0; replica < perEndpoint; replica++) {
                packed[n++] = (Hash64.of(key + replica) & ~OWNER_MASK ^ Long.MIN_VALUE) | i;
            }
        }
        Arrays.sort(packed);
        var points = new long[n];
        var owners = new int[n];
        for (var i = 0; i < n; i++) {
            points[i] = packed[i] & ~OWNER_MASK ^ Long.MIN_VALUE;
            owners[i] = (int) (packed[i] & OWNER_MASK);
        }
        return new HashTable(points, owners);
    }

    static HashTable maglev(int size, Endpoint[] endpoints) {
        var table = new int[endpoints.length == 0 ? 0 : size];
        if (endpoints.length == 0) {
            return new HashTable(null, table);
        }
        Arrays.fill(table, -1);
        var offsets = new long[endpoints.length];
        var skips = new long[endpoints.length];
        var next = new long[endpoints.length];
        for (var i = 0; i < endpoints.length; i++) {
            var key = key(endpoints[i]);
            offsets[i] = Long.remainderUnsigned(Hash64.of(key), size);
            skips[i] = Long.remainderUnsigned(Hash64.of(key + "#skip"), size - 1) + 1;
        }
        var filled = 0;
        while (true) {
            for (var i = 0; i < endpoints.length; i++) {
                var slot = (int) ((offsets[i] + next[i] * skips[i]) % size);
                while (table[slot] >= 0) {
                    next[i]++;
                    slot = (int) ((offsets[i] + next[i] * skips[i]) % size);
                }
                table[slot] = i;
                next[i]++;
                if (++filled == size) {
                    return new HashTable(null, table);
                }
            }
        }
    }

    private static String key(Endpoint endpoint) {
        return endpoint.address() + ":" + endpoint.port();
    }

    /** How many positions {@link #owner} walks through before it comes back to the start. */
    int length() {
        return owners.length;
    }

    /** The position a hash lands on. */
    int start(long hash) {
        if (points == null) {
            return (int) Long.remainderUnsigned(hash, owners.length);
        }
        var low = 0;
        var high = points.length;
        while (low < high) {
            var middle = (low + high) >>> 1;
            if (Long.compareUnsigned(points[middle], hash) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low == points.length ? 0 : low;
    }

    /** The endpoint {@code step} positions after {@code start}, wrapping around. */
    int owner(int start, int step) {
        return owners[(int) (((long) start + step) % owners.length)];
    }
}
