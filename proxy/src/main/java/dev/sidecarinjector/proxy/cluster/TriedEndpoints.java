package dev.sidecarinjector.proxy.cluster;

import java.util.Arrays;

/**
 * The endpoints (indexes in their cluster) a request has already tried, so that a retry goes to another one when
 * there is one, as Envoy's {@code previous_hosts} retry predicate (Istio sets it on every route). One per request,
 * made only when it retries; the indexes belong to the snapshot the request reads from start to end.
 */
public final class TriedEndpoints {

    private int[] indexes = new int[4];
    private int count;

    public void add(int index) {
        if (count == indexes.length) {
            indexes = Arrays.copyOf(indexes, count * 2);
        }
        indexes[count++] = index;
    }

    public boolean contains(int index) {
        for (var i = 0; i < count; i++) {
            if (indexes[i] == index) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return count;
    }
}
