package dev.sidecarinjector.mesh.source;

import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * What every mesh source does with a new view: number it, keep it as the current index, and tell each listener,
 * one listener's failure neither stopping the others nor the source.
 */
final class IndexPublication {

    private static final Logger LOG = Logger.getLogger(IndexPublication.class);

    private final List<MeshIndexListener> listeners = new CopyOnWriteArrayList<>();
    private volatile MeshIndex current = MeshIndex.EMPTY;

    MeshIndex current() {
        return current;
    }

    void addListener(MeshIndexListener listener) {
        listeners.add(listener);
    }

    /** Publishes {@code resources} as the next index; called by one thread at a time. */
    MeshIndex publish(List<HasMetadata> resources) {
        current = MeshIndex.of(current.version() + 1, resources);
        for (var listener : listeners) {
            try {
                listener.changed(current);
            } catch (RuntimeException e) {
                LOG.errorf(e, "mesh index listener failed");
            }
        }
        return current;
    }
}
