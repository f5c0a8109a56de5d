package dev.sidecarinjector.mesh.push;

/** The push layer's view of one proxy's connection (a WebSocket in production, a fake in tests); any thread. */
interface ProxyChannel {

    /** Writes one snapshot message (its parts in order, as one WebSocket text message). */
    void send(SnapshotMessage message);

    /** Closes with a WebSocket status and a reason the proxy logs. */
    void close(short status, String reason);
}
