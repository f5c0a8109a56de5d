package dev.sidecarinjector.mesh.source;

import dev.sidecarinjector.mesh.index.MeshIndex;

/** Told of every new index a source publishes (the push layer debounces these). Called on the source's own thread. */
@FunctionalInterface
public interface MeshIndexListener {
    void changed(MeshIndex index);
}
