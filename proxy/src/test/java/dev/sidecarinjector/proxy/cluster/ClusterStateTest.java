package dev.sidecarinjector.proxy.cluster;

import static dev.sidecarinjector.proxy.mesh.MeshFixtures.cluster;
import static dev.sidecarinjector.proxy.mesh.MeshFixtures.endpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.OutlierDetection;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStateTest {

    private static final OutlierDetection EJECT_ON_FIRST = new OutlierDetection(1, 0, 10_000, 30_000, 100, 0);

    @Test
    void endpointStateAndBreakerCountsSurviveASwap() {
        var first = ClusterState.compile(cluster("c", LoadBalancer.ROUND_ROBIN, new ConnectionPool(0, 1_000, 0, 2, 0, 0, 0),
                EJECT_ON_FIRST, endpoints(3)), null);
        first.outlierDetector().onResponse(first.state(1), 503, 0);
        first.state(2).requestStarted();
        assertTrue(first.breaker().tryAcquireRequest());
        // The next version drops 10.0.1.1, keeps .2 and .3, adds .4 and halves the pool.
        var next = ClusterState.compile(cluster("c", LoadBalancer.ROUND_ROBIN, new ConnectionPool(0, 1_000, 0, 1, 0, 0, 0),
                EJECT_ON_FIRST, List.of(new Endpoint("10.0.1.2", 9080, null), new Endpoint("10.0.1.3", 9080, null),
                        new Endpoint("10.0.1.4", 9080, null))), first);
        assertSame(first.state(1), next.state(0));
        assertTrue(next.state(0).ejected(), "an ejection outlives the configuration change");
        assertEquals(1, next.state(1).activeRequests());
        assertFalse(next.state(2).ejected());
        assertFalse(next.breaker().tryAcquireRequest(), "the request in flight counts against the new limit of 1");
        assertNotSame(first.outlierDetector(), next.outlierDetector());
    }

    @Test
    void picksSkipTheEjectedEndpointAndTheViewShowsIt() {
        var state = ClusterState.compile(cluster("c", LoadBalancer.ROUND_ROBIN, ConnectionPool.DEFAULT, EJECT_ON_FIRST, endpoints(2)), null);
        state.outlierDetector().onLocalFailure(state.state(0), 0);
        for (var i = 0; i < 10; i++) {
            assertEquals(1, state.pick(null, RandomSource.seeded(i)));
        }
        state.state(1).requestStarted();
        assertEquals(List.of(new EndpointView("10.0.1.1", 9080, 0, true, 1), new EndpointView("10.0.1.2", 9080, 1, false, 0)), state.view());
        assertEquals("/failed_outlier_check", state.view().get(0).health());
        assertEquals("healthy", state.view().get(1).health());
    }

    @Test
    void withoutOutlierDetectionThereIsNoDetectorAndPassthroughIsKnown() {
        var plain = ClusterState.compile(cluster("c", 1), null);
        assertNull(plain.outlierDetector());
        assertFalse(plain.passthrough());
        var passthrough = ClusterState.compile(cluster("p", LoadBalancer.PASSTHROUGH, ConnectionPool.DEFAULT, null, List.of()), null);
        assertTrue(passthrough.passthrough());
        assertEquals(EndpointPicker.NONE, passthrough.pick(null, RandomSource.seeded(1)));
    }
}
