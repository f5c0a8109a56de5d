package dev.sidecarinjector.api.snapshot;

/** How the proxy handles a port: parsed as HTTP/1.1, or relayed as bytes. HTTP/2 and gRPC come with their own issue. */
public enum Protocol {
    HTTP,
    TCP
}
