package dev.sidecarinjector.proxy.route;

import dev.sidecarinjector.api.snapshot.WeightedCluster;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import java.util.List;

/**
 * A choice among destinations by weight, as a route's and a tcp route's: the weights as a cumulative table, made once
 * per snapshot, so that a pick is one random number and a short scan; a weight of 0 is never chosen.
 */
public final class WeightedPick {

    private WeightedPick() {
    }

    /** The running totals of the destinations' weights. */
    public static int[] cumulative(List<WeightedCluster> destinations) {
        var cumulative = new int[destinations.size()];
        var total = 0;
        for (var i = 0; i < cumulative.length; i++) {
            total += destinations.get(i).weight();
            cumulative[i] = total;
        }
        return cumulative;
    }

    /** The index of the chosen destination; -1 when there is none, 0 when there is one. */
    public static int pick(int[] cumulative, RandomSource random) {
        var last = cumulative.length - 1;
        if (last <= 0) {
            return last;
        }
        var point = random.nextInt(cumulative[last]);
        var i = 0;
        while (point >= cumulative[i]) {
            i++;
        }
        return i;
    }
}
