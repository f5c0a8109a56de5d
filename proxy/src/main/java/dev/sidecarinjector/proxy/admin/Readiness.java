package dev.sidecarinjector.proxy.admin;

import dev.sidecarinjector.proxy.run.DrainState;

/**
 * Ready means both capture listeners are bound, the proxy is not draining, and, with a control plane, the
 * configuration gate is open (first snapshot or grace over; see {@code config.ConfigReadiness}) and the identity gate
 * (first workload certificate, no CA, or grace over).
 */
public final class Readiness {
    /** A further condition, such as "has its first configuration". */
    public interface Gate {
        boolean ready();

        String describe();
    }

    private final DrainState drain;
    private final java.util.List<Gate> gates = new java.util.concurrent.CopyOnWriteArrayList<>();
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
        gates.add(gate);
    }

    public boolean isReady() {
        if (!inboundBound || !outboundBound || drain.isDraining()) {
            return false;
        }
        for (var gate : gates) {
            if (!gate.ready()) {
                return false;
            }
        }
        return true;
    }

    public String describe() {
        if (drain.isDraining()) {
            return "draining";
        }
        if (!inboundBound || !outboundBound) {
            return "listeners not bound";
        }
        for (var gate : gates) {
            if (!gate.ready()) {
                return gate.describe();
            }
        }
        return "ready";
    }
}
