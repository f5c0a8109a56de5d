package dev.sidecarinjector.proxy.admin;

import dev.sidecarinjector.proxy.run.DrainState;

/**
 * Ready means both capture listeners are bound, the proxy is not draining, and, with a control plane, the
 * configuration gate is open (first snapshot or grace over; see {@code config.ConfigReadiness}).
 */
public final class Readiness {
    /** A further condition, such as "has its first configuration". */
    public interface Gate {
        boolean ready();

        String describe();
    }

    private final DrainState drain;
    private volatile Gate gate;
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

    /** Adds {@code gate} to readiness; set before the listeners are bound, so the proxy is never ready without it. */
    public void gate(Gate gate) {
        this.gate = gate;
    }

    public boolean isReady() {
        Gate g = gate;
        return inboundBound && outboundBound && !drain.isDraining() && (g == null || g.ready());
    }

    public String describe() {
        if (drain.isDraining()) {
            return "draining";
        }
        if (!inboundBound || !outboundBound) {
            return "listeners not bound";
        }
        Gate g = gate;
        return g == null || g.ready() ? "ready" : g.describe();
    }
}
