package dev.sidecarinjector.mesh.source;

import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Runs a slow listener (the problem log, which compiles every namespace) on its own thread, with the latest index
 * only: the source goes on to tell the other listeners at once, so the push layer's debounce starts when the index
 * is published instead of after that compile, and indexes published while the listener runs are folded into the
 * last one.
 */
final class LatestIndexListener implements MeshIndexListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LatestIndexListener.class);

    private final MeshIndexListener listener;
    private final ExecutorService thread;
    private final AtomicReference<MeshIndex> pending = new AtomicReference<>();

    LatestIndexListener(String name, MeshIndexListener listener) {
        this.listener = listener;
        this.thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name(name).factory());
    }

    @Override
    public void changed(MeshIndex index) {
        // Only the first index since the last run schedules one; a later one replaces it before the run takes it.
        if (pending.getAndSet(index) == null) {
            thread.execute(this::run);
        }
    }

    private void run() {
        var index = pending.getAndSet(null);
        if (index == null) {
            return;
        }
        try {
            listener.changed(index);
        } catch (RuntimeException e) {
            LOG.errorf(e, "mesh index listener failed");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
