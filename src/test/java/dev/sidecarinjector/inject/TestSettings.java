package dev.sidecarinjector.inject;

import dev.sidecarinjector.config.InjectionSettingsFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** Settings for tests, from the same defaults and parsers as production. */
public final class TestSettings {

    private TestSettings() {
    }

    public static InjectionSettings defaults() {
        return with(Map.of());
    }

    public static InjectionSettings with(Map<String, String> properties) {
        try {
            return InjectionSettingsFactory.from(InjectionSettingsFactory.standaloneConfig(Optional.empty(), properties));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
