package dev.sidecarinjector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.ControlPlaneAddress;
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
        assertTrue(settings.mesh().controlPlane().isEmpty(), "no control plane unless configured: the proxy stays the L4 relay");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sidecar-injector.sidecar-injector.svc:15012|sidecar-injector.sidecar-injector.svc|15012",
        "10.96.0.12:15012|10.96.0.12|15012",
        "[fd00::12]:15012|[fd00::12]|15012",
        " istiod.istio-system.svc:15012 |istiod.istio-system.svc|15012"
    })
    void controlPlaneAddressIsHostAndPort(String value, String host, int port) {
        var settings = TestSettings.with(Map.of("injector.mesh.control-plane-address", value));
        assertEquals(java.util.Optional.of(new ControlPlaneAddress(host, port)), settings.mesh().controlPlane());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "injector.interception.exclude-outbound-ports|80x",
        "injector.interception.include-outbound-cidrs|10.0.0.0/33",
        "injector.proxy.memory-request|lots",
        "injector.proxy.inbound-port|70000",
        "injector.proxy.drain-seconds|3601",
        "injector.proxy.drain-seconds|-1",
        "injector.proxy.memory-request|256Mi",
        "injector.mesh.control-plane-address|istiod",
        "injector.mesh.control-plane-address|istiod:0",
        "injector.mesh.control-plane-address|istiod:15012x",
        "injector.mesh.control-plane-address|https://istiod:15012",
        "injector.mesh.control-plane-address|fd00::12:15012",
        "injector.mesh.control-plane-address|bad_host:15012",
        "injector.pod-security.mode|refuse"
    })
    void badPropertiesAreNamed(String property, String value) {
        var error = assertThrows(InvalidValueException.class, () -> TestSettings.with(Map.of(property, value)));
        assertTrue(error.getMessage().startsWith(property + ": \"" + value + "\""), error.getMessage());
    }

    @Test
    void durationsReadOutsideQuarkusAsInsideIt() throws Exception {
        // kube-inject reads MeshConfig too: its "500ms" default, and a user's "2s", must not need Quarkus to convert.
        var mesh = InjectionSettingsFactory.standaloneConfig(java.util.Optional.empty()).getConfigMapping(MeshConfig.class);
        assertEquals(java.time.Duration.ofMillis(500), mesh.directoryPollInterval());
        var set = InjectionSettingsFactory.standaloneConfig(java.util.Optional.empty(), Map.of("injector.mesh.directory-poll-interval", "2s"))
                .getConfigMapping(MeshConfig.class);
        assertEquals(java.time.Duration.ofSeconds(2), set.directoryPollInterval());
    }
}
