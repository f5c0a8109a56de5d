package dev.sidecarinjector.proxy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the probes send as the application's authority, as kubelet writes it (Go's net.JoinHostPort). */
class ProbeRunnerTest {

    @Test
    void anIpv6LiteralIsBracketedAndAnythingElseIsNot() {
        assertEquals("10.1.2.3:8080", ProbeRunner.authority("10.1.2.3", 8080));
        assertEquals("[fd00:10::5]:8080", ProbeRunner.authority("fd00:10::5", 8080));
        assertEquals("[::1]:9090", ProbeRunner.authority("[::1]", 9090), "already bracketed: left as it is");
        assertEquals("app.example.com:443", ProbeRunner.authority("app.example.com", 443));
    }
}
