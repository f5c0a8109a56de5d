package dev.sidecarinjector.proxy.route;

import static dev.sidecarinjector.proxy.mesh.MeshFixtures.cluster;
import dev.sidecarinjector.proxy.mesh.MeshFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.cluster.ClusterState;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompiledRouteTest {

    private static CompiledRoute route(String... clustersAndWeights) {
        var states = new ClusterState[clustersAndWeights.length / 2];
        for (var i = 0; i < states.length; i++) {
            states[i] = ClusterState.compile(cluster(clustersAndWeights[2 * i], 1), null);
        }
        return new CompiledRoute(MeshFixtures.route("r", List.of(), clustersAndWeights), states);
    }

    @Test
    void ninetyTenSplitsWithinTwoPointsOverTenThousandPicks() {
        var route = route("v1", "90", "v2", "10");
        var random = RandomSource.seeded(42);
        var v2 = 0;
        for (var i = 0; i < 10_000; i++) {
            v2 += route.pickDestination(random);
        }
        assertTrue(v2 >= 800 && v2 <= 1_200, "v2 got " + v2 + " of 10000");
    }

    @Test
    void aZeroWeightIsNeverPickedAndASingleDestinationAlwaysIs() {
        var route = route("v1", "0", "v2", "100", "v3", "0");
        var random = RandomSource.seeded(1);
        for (var i = 0; i < 1_000; i++) {
            assertEquals(1, route.pickDestination(random));
        }
        assertEquals(0, route("only", "100").pickDestination(random));
        assertEquals("v2", route.destination(1).name());
    }

    @Test
    void threeWaySplitFollowsTheWeights() {
        var route = route("a", "50", "b", "30", "c", "20");
        var random = RandomSource.seeded(3);
        var counts = new int[3];
        for (var i = 0; i < 10_000; i++) {
            counts[route.pickDestination(random)]++;
        }
        assertTrue(Math.abs(counts[0] - 5_000) <= 200 && Math.abs(counts[1] - 3_000) <= 200 && Math.abs(counts[2] - 2_000) <= 200,
                java.util.Arrays.toString(counts));
    }
}
