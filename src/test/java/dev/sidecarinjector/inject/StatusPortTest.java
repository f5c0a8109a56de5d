package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** status.sidecar.istio.io/port: Istio's 16-bit number, 0 for no status, never a port the proxy already uses. */
class StatusPortTest {

    private static final ProxyPorts PORTS = ProxyPorts.ISTIO;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"15030|15030", "' 8081 '|8081", "0|0", "15020|15020", "65535|65535", "1|1", "00015030|15030"})
    void aPortOrZeroIsRead(String value, int port) {
        assertEquals(port, StatusPort.parse(value, PORTS));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"''", "abc", "-1", "65536", "15020.0", "0x3ab6", "1e4", "+15030", "999999999999"})
    void anythingElseIsRefusedNamingIt(String value) {
        var error = assertThrows(InvalidValueException.class, () -> StatusPort.parse(value, PORTS));
        assertEquals("status.sidecar.istio.io/port: \"" + value + "\" is not a port (1-65535, or 0: no readiness probe for the proxy, "
                + "the app's probes left as written)", error.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "15001|outbound capture port (injector.proxy.outbound-port)",
        "15006|inbound capture port (injector.proxy.inbound-port)",
        "15021|health port (injector.proxy.health-port)",
        "15090|metrics port (injector.proxy.metrics-port)",
        "15000|admin port (15000, on loopback)"})
    void aPortTheProxyUsesIsRefusedNamingWhatUsesIt(String value, String taken) {
        var error = assertThrows(InvalidValueException.class, () -> StatusPort.parse(value, PORTS));
        assertEquals("status.sidecar.istio.io/port: \"" + value + "\" is the proxy's " + taken + ": the proxy could not listen on both", error.getMessage());
    }
}
