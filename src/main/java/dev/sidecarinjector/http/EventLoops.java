package dev.sidecarinjector.http;

import io.quarkus.runtime.LaunchMode;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * How many Vert.x event loops serve the webhook (8443) and the configuration stream (15012): one per processor the JVM
 * may use, where Quarkus's default is two. Every request is answered on its event loop without blocking (the admission
 * route is non-blocking), so a second loop per processor only adds a thread the kernel switches to in the middle of
 * another's work: with one CPU, p99 at 16 connections was 6-8 ms against 12 ms with two loops, and 7 % less CPU per
 * review (docs/benchmarks.md).
 *
 * <p>As a configuration source ({@link ProductionDefault}) it gives {@code quarkus.vertx.event-loops-pool-size}
 * that default in production; {@code QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE} and the rest win, and dev and test mode
 * keep Quarkus's.
 */
public final class EventLoops extends ProductionDefault {

    static final String POOL_SIZE = "quarkus.vertx.event-loops-pool-size";

    /** What the ServiceLoader makes. */
    public EventLoops() {
        this(LaunchMode::current, Runtime.getRuntime()::availableProcessors);
    }

    EventLoops(Supplier<LaunchMode> mode, IntSupplier processors) {
        super(POOL_SIZE, mode, () -> Integer.toString(Math.max(1, processors.getAsInt())));
    }

    @Override
    public String getName() {
        return "one event loop per processor (" + EventLoops.class.getName() + ")";
    }
}
