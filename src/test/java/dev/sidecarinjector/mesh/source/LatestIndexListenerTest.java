package dev.sidecarinjector.mesh.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatestIndexListenerTest {

    @Test
    void theSourceIsNotHeldAndIndexesPublishedMeanwhileFoldIntoTheLast() throws Exception {
        var seen = new CopyOnWriteArrayList<Long>();
        var release = new CountDownLatch(1);
        try (var listener = new LatestIndexListener("test-problems", index -> {
            seen.add(index.version());
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            var started = System.nanoTime();
            for (var version = 1; version <= 4; version++) {
                listener.changed(MeshIndex.of(version, List.of()));
            }
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "changed() waited for the listener");
            release.countDown();
            for (var i = 0; i < 1000 && (seen.isEmpty() || seen.getLast() != 4L); i++) {
                Thread.sleep(10);
            }
            assertEquals(4L, seen.getLast(), "the latest index is always reported: " + seen);
            // The listener's thread may take any one index before the rest of the burst is published (the first one, or
            // a later one on a slow machine); whatever it holds while blocked, the rest fold into 4.
            assertTrue(seen.size() == 1 || seen.size() == 2 && seen.getFirst() < 4L, "the burst was folded into one report after the first: " + seen);
        }
    }
}
