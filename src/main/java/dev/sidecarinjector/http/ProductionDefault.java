package dev.sidecarinjector.http;

import io.quarkus.runtime.LaunchMode;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * A configuration source that gives one Quarkus property a default worked out from the process, in the normal
 * (production) launch mode only, at the lowest ordinal: {@code application.properties}, the environment and {@code -D}
 * all win, and dev and test mode keep Quarkus's own default.
 */
abstract class ProductionDefault implements ConfigSource {

    private final String property;
    private final Supplier<LaunchMode> mode;
    private final Supplier<String> value;

    ProductionDefault(String property, Supplier<LaunchMode> mode, Supplier<String> value) {
        this.property = property;
        this.mode = mode;
        this.value = value;
    }

    private boolean applies() {
        return mode.get() == LaunchMode.NORMAL;
    }

    @Override
    public final Set<String> getPropertyNames() {
        return applies() ? Set.of(property) : Set.of();
    }

    @Override
    public final Map<String, String> getProperties() {
        return applies() ? Map.of(property, value.get()) : Map.of();
    }

    @Override
    public final String getValue(String name) {
        return property.equals(name) && applies() ? value.get() : null;
    }

    /** Below every source a user sets (application.properties 250, environment 300, system properties 400). */
    @Override
    public final int getOrdinal() {
        return 1;
    }
}
