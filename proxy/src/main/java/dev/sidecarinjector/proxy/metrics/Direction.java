package dev.sidecarinjector.proxy.metrics;

/** Which listener accepted a connection: traffic into the pod (15006) or out of it (15001). */
public enum Direction {
    INBOUND, OUTBOUND;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
