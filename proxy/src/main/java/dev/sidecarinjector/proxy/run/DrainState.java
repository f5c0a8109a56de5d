package dev.sidecarinjector.proxy.run;

import java.util.concurrent.atomic.LongAdder;

/**
 * Whether the proxy is draining: once set, readiness fails while the listeners go on accepting. Every
 * handler can read it; the HTTP path will answer {@code Connection: close} (and HTTP/2 GOAWAY) once it is set.
 */
public final class DrainState {
    private volatile boolean draining;
    private final LongAdder acceptedWhileDraining = new LongAdder();

    public boolean isDraining() {
        return draining;
    }

    void start() {
        draining = true;
    }

    /** One volatile read per accepted connection; counts those that arrived during the drain. */
    void accepted() {
        if (draining) {
            acceptedWhileDraining.increment();
        }
    }

    /** Connections accepted after the drain started: the traffic that closing the listeners at once refused. */
    public long acceptedWhileDraining() {
        return acceptedWhileDraining.sum();
    }
}
