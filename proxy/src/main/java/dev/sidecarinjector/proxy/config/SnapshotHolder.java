package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.api.snapshot.Snapshot;

/**
 * The configuration in force, swapped whole when a new version is accepted: the traffic path reads it with one
 * volatile read per request and uses that snapshot start to end. Null until the first snapshot.
 */
public interface SnapshotHolder {

    Snapshot current();

    /** Called by the config client only, off the event loops, with a snapshot that passed every check. */
    void replace(Snapshot snapshot);

    /** The holder of a proxy with no traffic core yet: it only keeps the snapshot. */
    final class Atomic implements SnapshotHolder {
        private volatile Snapshot current;

        @Override
        public Snapshot current() {
            return current;
        }

        @Override
        public void replace(Snapshot snapshot) {
            current = snapshot;
        }
    }
}
