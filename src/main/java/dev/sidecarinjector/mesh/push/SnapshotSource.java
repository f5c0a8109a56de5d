package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.stream.ProxyNode;

/**
 * What the push layer needs from the control plane's index and compiler: whether the caches have synced, the
 * snapshot of one proxy (pure, from the current index), and a signal when anything changed. The push layer
 * stamps its own version on what {@link #snapshotFor} returns.
 */
public interface SnapshotSource {

    /** True once every source has synced: no proxy is served a snapshot compiled from half a cluster. */
    boolean ready();

    /** The snapshot of the proxy {@code node}; called off the Vert.x event loops, once per proxy and change. */
    Snapshot snapshotFor(ProxyNode node) throws UnknownProxy;

    /** Calls {@code listener} after every change of the index (any thread; the push layer debounces). */
    void onChange(Runnable listener);

    /** The control plane knows no pod for this node (yet): the stream is closed with this message, the proxy retries. */
    final class UnknownProxy extends Exception {

        public UnknownProxy(String message) {
            super(message, null, false, false);
        }
    }
}
