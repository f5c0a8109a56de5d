package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.proxy.admin.Readiness;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.run.EventLog;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Readiness with a control plane: ready once the first snapshot is in force, as Envoy is ready once its first
 * listeners and clusters arrived, so an app does not start with no routes. A grace period bounds the wait: after it,
 * the proxy reports ready without configuration (and says so once) and relays at L4, so a control plane that is down
 * does not keep every new pod unready.
 */
public final class ConfigReadiness implements Readiness.Gate {

    private final SnapshotHolder holder;
    private final Duration grace;
    private final LongSupplier nanoClock;
    private final long started;
    private final String controlPlane;
    private volatile boolean graceOver;

    public ConfigReadiness(SnapshotHolder holder, Duration grace, LongSupplier nanoClock, String controlPlane) {
        this.holder = holder;
        this.grace = grace;
        this.nanoClock = nanoClock;
        this.started = nanoClock.getAsLong();
        this.controlPlane = controlPlane;
    }

    @Override
    public boolean ready() {
        if (holder.current().snapshot() != null || graceOver) {
            return true;
        }
        if (nanoClock.getAsLong() - started >= grace.toNanos()) {
            graceOver = true;
            EventLog.info("config: no configuration from " + controlPlane + " within " + grace.toSeconds()
                    + "s; reporting ready and relaying at L4 without routes until it comes");
            return true;
        }
        return false;
    }

    @Override
    public String describe() {
        if (holder.current().snapshot() != null) {
            return "configured";
        }
        return graceOver ? "ready without configuration (grace over)"
                : "waiting for the first configuration from " + controlPlane + " (at most " + grace.toSeconds() + "s)";
    }
}
