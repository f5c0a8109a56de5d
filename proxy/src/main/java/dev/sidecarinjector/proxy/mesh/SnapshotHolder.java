package dev.sidecarinjector.proxy.mesh;

import dev.sidecarinjector.api.snapshot.Snapshot;

/**
 * The proxy's current configuration. Event loops read {@link #current()} once per connection or request (a
 * volatile read, never a lock) and use that one snapshot to the end; the config client {@link #swap}s in each
 * accepted version, compiled against the current one so that the clusters' runtime state carries over. Swaps come
 * from one thread (the config client's); they are synchronized only so that two can never lose each other's state.
 */
public final class SnapshotHolder {

    private volatile CompiledSnapshot current = CompiledSnapshot.EMPTY;
    private volatile SwapListener listener;

    /** Told of each snapshot once requests read it (on the config client's thread). */
    public interface SwapListener {
        void swapped(CompiledSnapshot snapshot);
    }

    /** The one listener (the proxy's metrics, which label with the workload the snapshot names). */
    public void onSwap(SwapListener listener) {
        this.listener = listener;
    }

    public CompiledSnapshot current() {
        return current;
    }

    /** Compiles and installs {@code snapshot}; returns what requests now read. */
    public synchronized CompiledSnapshot swap(Snapshot snapshot) {
        var compiled = CompiledSnapshot.compile(snapshot, current);
        current = compiled;
        var told = listener;
        if (told != null) {
            told.swapped(compiled);
        }
        return compiled;
    }
}
