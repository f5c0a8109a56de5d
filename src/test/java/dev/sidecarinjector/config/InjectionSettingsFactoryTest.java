package dev.sidecarinjector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.InvalidValueException;
import dev.sidecarinjector.inject.Placement;
import dev.sidecarinjector.inject.ProxyPorts;
import dev.sidecarinjector.inject.TestSettings;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Configuration becomes settings through the same validation as annotations; a bad property is named. */
class InjectionSettingsFactoryTest {

    @Test
    void defaultsAreIstiosLayout() {
        var settings = TestSettings.defaults();
        assertEquals(ProxyPorts.ISTIO, settings.ports());
        assertEquals(1337, settings.proxyUid());
        assertEquals(Placement.CONTAINER, settings.placement());
        assertEquals("istio-injection", settings.namespaceLabel().key());
        assertTrue(settings.ignores("kube-system") && settings.ignores("kube-public") && settings.ignores("kube-node-lease"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "injector.interception.exclude-outbound-ports|80x",
        "injector.interception.include-outbound-cidrs|10.0.0.0/33",
        "injector.proxy.memory-request|lots",
        "injector.proxy.inbound-port|70000",
        "injector.proxy.memory-request|256Mi"
    })
    void badPropertiesAreNamed(String property, String value) {
        var error = assertThrows(InvalidValueException.class, () -> TestSettings.with(Map.of(property, value)));
        assertTrue(error.getMessage().startsWith(property + ": \"" + value + "\""), error.getMessage());
    }
}
