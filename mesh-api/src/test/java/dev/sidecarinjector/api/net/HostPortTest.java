package dev.sidecarinjector.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
