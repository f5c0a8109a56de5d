package dev.sidecarinjector.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import java.util.Arrays;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Consistent hashing's promises: the same key to the same endpoint, an even spread, few keys moved by a change. */
class HashTableTest {

    private static final int KEYS = 20_000;

    @ParameterizedTest
    @EnumSource(value = LoadBalancer.class, names = {"RING_HASH", "MAGLEV"})
    void keysSpreadEvenlyAndStayWhereTheyLanded(LoadBalancer kind) {
        var four = endpoints(4);
        var table = HashTable.of(kind, size(kind), four);
        var again = HashTable.of(kind, size(kind), four);
        var counts = new int[4];
        for (var key = 0; key < KEYS; key++) {
            var owner = owner(table, key);
            counts[owner]++;
            assertEquals(owner, owner(again, key), "a table built again from the same endpoints gives the same owner");
        }
        for (var count : counts) {
            // An even share is 5,000; a ring of 1,024 points spreads within about 15 %, Maglev within 1 %.
            assertTrue(Math.abs(count - KEYS / 4) < KEYS / 4 * 0.2, kind + " spread: " + Arrays.toString(counts));
        }
    }

    @ParameterizedTest
    @EnumSource(value = LoadBalancer.class, names = {"RING_HASH", "MAGLEV"})
    void anEndpointLeavingMovesLittleMoreThanItsOwnKeys(LoadBalancer kind) {
        var five = endpoints(5);
        var four = Arrays.copyOf(five, 4);
        var before = HashTable.of(kind, size(kind), five);
        var after = HashTable.of(kind, size(kind), four);
        var moved = 0;
        var ownedByTheLeaver = 0;
        for (var key = 0; key < KEYS; key++) {
            var was = owner(before, key);
            if (was == 4) {
                ownedByTheLeaver++;
            } else if (owner(after, key) != was) {
                moved++;
            }
        }
        assertTrue(ownedByTheLeaver > KEYS / 10, "the fifth endpoint owned its share: " + ownedByTheLeaver);
        // A hash modulo the endpoint count would move about four fifths of the others' keys. A ring moves some: each
        // endpoint's share of its points grows from 205 to 256 (Envoy's ring sizes its replicas the same way); Maglev
        // a few per cent.
        assertTrue(moved <= (kind == LoadBalancer.MAGLEV ? KEYS / 20 : KEYS / 8), kind + " moved " + moved + " keys of the endpoints that stayed");
    }

    @Test
    void anIneligibleEndpointsKeysGoToTheNextOneOnly() {
        var endpoints = endpoints(3);
        var states = new EndpointState[] {new EndpointState(), new EndpointState(), new EndpointState()};
        var picker = new EndpointPicker(LoadBalancer.RING_HASH, 0);
        var table = HashTable.of(LoadBalancer.RING_HASH, 1024, endpoints);
        var owners = new HashMap<Integer, Integer>();
        for (var key = 0; key < 3_000; key++) {
            owners.put(key, picker.pick(states, null, RandomSource.THREAD_LOCAL, table, Hash64.of("user-" + key)));
        }
        states[1].ejected = true;
        for (var key = 0; key < 3_000; key++) {
            var now = picker.pick(states, null, RandomSource.THREAD_LOCAL, table, Hash64.of("user-" + key));
            assertNotEquals(1, now);
            if (owners.get(key) != 1) {
                assertEquals(owners.get(key), now, "a key of an endpoint still in stays there");
            }
        }
        var tried = new TriedEndpoints();
        var first = picker.pick(states, tried, RandomSource.THREAD_LOCAL, table, Hash64.of("user-7"));
        tried.add(first);
        var retry = picker.pick(states, tried, RandomSource.THREAD_LOCAL, table, Hash64.of("user-7"));
        assertNotEquals(first, retry, "a retry goes on to the next endpoint");
    }

    private static int owner(HashTable table, int key) {
        return table.owner(table.start(Hash64.of("user-" + key)), 0);
    }

    private static int size(LoadBalancer kind) {
        return kind == LoadBalancer.MAGLEV ? 65537 : 1024;
    }

    private static Endpoint[] endpoints(int n) {
        var endpoints = new Endpoint[n];
        for (var i = 0; i < n; i++) {
            endpoints[i] = new Endpoint("10.244.0." + (10 + i), 8080, null);
        }
        return endpoints;
    }
}
