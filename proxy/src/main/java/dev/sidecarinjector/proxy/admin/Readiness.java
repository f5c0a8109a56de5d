package dev.sidecarinjector.proxy.admin;

/** Ready means both capture listeners are bound and the proxy is not draining. */
public final class Readiness {
    private volatile boolean inboundBound;
    private volatile boolean outboundBound;
    private volatile boolean draining;

    public void inboundBound(boolean bound) {
        inboundBound = bound;
    }

    public void outboundBound(boolean bound) {
        outboundBound = bound;
    }

    public void startDraining() {
        draining = true;
    }

    public boolean isReady() {
        return inboundBound && outboundBound && !draining;
    }

    public String describe() {
        if (draining) {
            return "draining";
        }
        return isReady() ? "ready" : "listeners not bound";
    }
}
