package dev.sidecarinjector.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void anIpv6LiteralIsBracketedAndAnythingElseIsNot() {
        assertEquals("10.1.2.3:8080", HostPort.join("10.1.2.3", 8080));
        assertEquals("[fd00:10::5]:8080", HostPort.join("fd00:10::5", 8080));
        assertEquals("[::1]:9090", HostPort.join("[::1]", 9090), "already bracketed: left as it is");
        assertEquals("app.example.com:443", HostPort.join("app.example.com", 443));
        assertEquals("[::]:15012", HostPort.join("::", 15012));
        assertEquals("0.0.0.0:15012", HostPort.join("0.0.0.0", 15012));
    }

    @Test
    void anAddressIsADnsNameOrAnIpLiteralAndAPort() {
        assertEquals(new HostPort("istiod.istio-system.svc", 15012), HostPort.parse("f", "istiod.istio-system.svc:15012"));
        assertEquals(new HostPort("10.96.0.12", 15012), HostPort.parse("f", "10.96.0.12:15012"));
        assertEquals(new HostPort("[fd00::12]", 15012), HostPort.parse("f", "[fd00::12]:15012"));
        assertRefused("a b:1", "is not HOST:PORT: \"a b\" is not a DNS name or an IP address");
        assertRefused("[fd00::zz]:15012", "is not HOST:PORT: \"[fd00::zz]\" is not a DNS name or an IP address");
        assertRefused("[]:15012", "is not HOST:PORT: \"[]\" is not a DNS name or an IP address");
        assertRefused("fd00::12:15012", "is not HOST:PORT: an IPv6 address is written in brackets, [fd00::12]:15012");
        assertRefused("fd00::1", "is not HOST:PORT: an IPv6 address needs brackets and a port, [fd00::1]:PORT");
        assertRefused("istiod", "is not HOST:PORT");
        assertRefused(":15012", "is not HOST:PORT");
        assertRefused("istiod:0", "is not HOST:PORT: \"0\" is not a port (1-65535)");
        assertRefused("istiod:15012x", "is not HOST:PORT: \"15012x\" is not a port (1-65535)");
        assertRefused("istiod:\u0661\u0665", "is not HOST:PORT: \"\u0661\u0665\" is not a port (1-65535)");
    }

    private static void assertRefused(String value, String problem) {
        var error = assertThrows(InvalidListException.class, () -> HostPort.parse("--control-plane", value));
        assertEquals(problem, error.problem());
        assertEquals("--control-plane: \"" + value + "\" " + problem, error.getMessage());
    }
}
