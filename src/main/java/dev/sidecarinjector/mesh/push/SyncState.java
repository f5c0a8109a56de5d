package dev.sidecarinjector.mesh.push;

/** Istio's proxy-status words: SYNCED when the proxy acknowledged the last version sent, STALE otherwise. */
public enum SyncState {
    SYNCED, STALE
}
