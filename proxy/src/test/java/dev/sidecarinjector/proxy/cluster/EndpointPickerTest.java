package dev.sidecarinjector.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class EndpointPickerTest {

    private static EndpointState[] states(int count) {
        var states = new EndpointState[count];
        for (var i = 0; i < count; i++) {
            states[i] = new EndpointState();
        }
        return states;
    }

    private static int[] counts(EndpointPicker picker, EndpointState[] states, TriedEndpoints tried, int picks) {
        var random = RandomSource.seeded(7);
        var counts = new int[states.length];
        for (var i = 0; i < picks; i++) {
            counts[picker.pick(states, tried, random)]++;
        }
        return counts;
    }

    @Test
    void roundRobinCyclesThroughTheEndpointsInOrder() {
        var states = states(3);
        var picker = new EndpointPicker(LoadBalancer.ROUND_ROBIN, 50);
        var random = RandomSource.seeded(1);
        var order = new ArrayList<Integer>();
        for (var i = 0; i < 6; i++) {
            order.add(picker.pick(states, null, random));
        }
        assertEquals(java.util.List.of(0, 1, 2, 0, 1, 2), order);
    }

    @Test
    void leastRequestPrefersTheIdleEndpoint() {
        var states = states(2);
        for (var i = 0; i < 10; i++) {
            states[0].requestStarted();
        }
        var counts = counts(new EndpointPicker(LoadBalancer.LEAST_REQUEST, 50), states, null, 10_000);
        // Two random choices with replacement: the busy one wins only when both choices are it (1 in 4).
        assertTrue(counts[1] > 7_000 && counts[1] < 8_000, "idle endpoint picked " + counts[1] + " of 10000");
        states[0].requestEnded();
        assertEquals(9, states[0].activeRequests());
    }

    @Test
    void leastRequestWithEqualLoadSpreadsEvenly() {
        var counts = counts(new EndpointPicker(LoadBalancer.LEAST_REQUEST, 50), states(4), null, 10_000);
        for (var count : counts) {
            assertTrue(count > 2_200 && count < 2_800, java.util.Arrays.toString(counts));
        }
    }

    @Test
    void randomSpreadsEvenly() {
        var counts = counts(new EndpointPicker(LoadBalancer.RANDOM, 50), states(4), null, 10_000);
        for (var count : counts) {
            assertTrue(count > 2_200 && count < 2_800, java.util.Arrays.toString(counts));
        }
    }

    @Test
    void ejectedEndpointsAreSkipped() {
        for (var policy : new LoadBalancer[] {LoadBalancer.ROUND_ROBIN, LoadBalancer.RANDOM, LoadBalancer.LEAST_REQUEST}) {
            var states = states(4);
            states[2].ejected = true;
            var counts = counts(new EndpointPicker(policy, 50), states, null, 1_000);
            assertEquals(0, counts[2], policy + " picked an ejected endpoint");
            assertEquals(1_000, counts[0] + counts[1] + counts[3]);
        }
    }

    @Test
    void panicModeBalancesOverAllWhenFewerThanTheThresholdAreHealthy() {
        var states = states(4);
        states[0].ejected = true;
        states[1].ejected = true;
        // 2 of 4 healthy: 50 % is not below 50 %: only the healthy ones.
        var counts = counts(new EndpointPicker(LoadBalancer.ROUND_ROBIN, 50), states, null, 400);
        assertEquals(0, counts[0] + counts[1]);
        states[2].ejected = true;
        // 1 of 4 healthy: panic, every endpoint again.
        counts = counts(new EndpointPicker(LoadBalancer.ROUND_ROBIN, 50), states, null, 400);
        assertEquals(java.util.List.of(100, 100, 100, 100), java.util.Arrays.stream(counts).boxed().toList());
    }

    @Test
    void withPanicOffEveryEndpointEjectedMeansNoHealthyUpstream() {
        var states = states(2);
        states[0].ejected = true;
        states[1].ejected = true;
        assertEquals(EndpointPicker.NONE, new EndpointPicker(LoadBalancer.ROUND_ROBIN, 0).pick(states, null, RandomSource.seeded(1)));
        assertEquals(EndpointPicker.NONE, new EndpointPicker(LoadBalancer.ROUND_ROBIN, 50).pick(new EndpointState[0], null, RandomSource.seeded(1)));
    }

    @Test
    void aRetryGoesToAnotherEndpointWhenThereIsOne() {
        for (var policy : new LoadBalancer[] {LoadBalancer.ROUND_ROBIN, LoadBalancer.RANDOM, LoadBalancer.LEAST_REQUEST}) {
            var states = states(3);
            var tried = new TriedEndpoints();
            tried.add(1);
            var counts = counts(new EndpointPicker(policy, 50), states, tried, 1_000);
            assertEquals(0, counts[1], policy + " went back to the endpoint already tried");
            tried.add(0);
            tried.add(2);
            // Every endpoint tried: any of them rather than none.
            counts = counts(new EndpointPicker(policy, 50), states, tried, 300);
            assertEquals(300, counts[0] + counts[1] + counts[2]);
        }
    }

    @Test
    void aRetryDoesNotGoToAnEjectedEndpointToAvoidTheTriedOne() {
        var states = states(2);
        states[1].ejected = true;
        var tried = new TriedEndpoints();
        tried.add(0);
        assertEquals(0, new EndpointPicker(LoadBalancer.ROUND_ROBIN, 0).pick(states, tried, RandomSource.seeded(1)));
    }

    @Test
    void passthroughPicksNoEndpoint() {
        assertEquals(EndpointPicker.NONE, new EndpointPicker(LoadBalancer.PASSTHROUGH, 50).pick(states(2), null, RandomSource.seeded(1)));
    }

    @Test
    void concurrentRoundRobinPicksShareOneCursor() throws Exception {
        var states = states(4);
        var picker = new EndpointPicker(LoadBalancer.ROUND_ROBIN, 50);
        var counts = new AtomicIntegerArray(4);
        var threads = 4;
        var done = new CountDownLatch(threads);
        for (var t = 0; t < threads; t++) {
            Thread.ofPlatform().start(() -> {
                for (var i = 0; i < 10_000; i++) {
                    counts.incrementAndGet(picker.pick(states, null, RandomSource.THREAD_LOCAL));
                }
                done.countDown();
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        for (var i = 0; i < 4; i++) {
            assertEquals(10_000, counts.get(i), "endpoint " + i);
        }
        assertNotEquals(EndpointPicker.NONE, picker.pick(states, null, RandomSource.THREAD_LOCAL));
    }
}
