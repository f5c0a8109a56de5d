package dev.sidecarinjector.http;

import io.quarkus.runtime.LaunchMode;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * How many Vert.x event loops serve the webhook (8443) and the configuration stream (15012): one per processor the JVM
 * may use, where Quarkus's default is two. Every request is answered on its event loop without blocking (the admission
 * route is non-blocking), so a second loop per processor only adds a thread the kernel switches to in the middle of
 * another's work: with one CPU, p99 at 16 connections was 6-8 ms against 12 ms with two loops, and 7 % less CPU per
 * review (docs/benchmarks.md).
 *
 * <p>As a configuration source it gives {@code quarkus.vertx.event-loops-pool-size} that default in the normal
 * (production) launch mode only, at the lowest ordinal: {@code application.properties},
 * {@code QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE} and {@code -D} all win, and dev and test mode keep Quarkus's.
 */
public final class EventLoops implements ConfigSource {

    static final String POOL_SIZE = "quarkus.vertx.event-loops-pool-size";

    private final Supplier<LaunchMode> mode;
    private final IntSupplier processors;

    /** What the ServiceLoader makes. */
    public EventLoops() {
        this(LaunchMode::current, Runtime.getRuntime()::availableProcessors);
    }

    EventLoops(Supplier<LaunchMode> mode, IntSupplier processors) {
        this.mode = mode;
        this.processors = processors;
    }

    private boolean applies() {
        return mode.get() == LaunchMode.NORMAL;
    }

    @Override
    public Set<String> getPropertyNames() {
        return applies() ? Set.of(POOL_SIZE) : Set.of();
    }

    @Override
    public Map<String, String> getProperties() {
        return applies() ? Map.of(POOL_SIZE, value()) : Map.of();
    }

    @Override
    public String getValue(String name) {
        return POOL_SIZE.equals(name) && applies() ? value() : null;
    }

    private String value() {
        return Integer.toString(Math.max(1, processors.getAsInt()));
    }

    @Override
    public String getName() {
        return "one event loop per processor (" + EventLoops.class.getName() + ")";
    }

    /** Below every source a user sets (application.properties 250, environment 300, system properties 400). */
    @Override
    public int getOrdinal() {
        return 1;
    }
}
