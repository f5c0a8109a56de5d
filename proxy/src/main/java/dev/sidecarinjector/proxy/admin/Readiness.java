package dev.sidecarinjector.proxy.admin;

import dev.sidecarinjector.proxy.run.DrainState;

/** Ready means both capture listeners are bound and the proxy is not draining. */
public final class Readiness {
    private final DrainState drain;
    private volatile boolean inboundBound;
    private volatile boolean outboundBound;

    public Readiness(DrainState drain) {
        this.drain = drain;
    }

    public void inboundBound(boolean bound) {
        inboundBound = bound;
    }

    public void outboundBound(boolean bound) {
        outboundBound = bound;
    }

    public boolean isReady() {
        return inboundBound && outboundBound && !drain.isDraining();
    }

    public String describe() {
        if (drain.isDraining()) {
            return "draining";
        }
        return isReady() ? "ready" : "listeners not bound";
    }
}
