package dev.sidecarinjector.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exit codes the pod's containers report: 2 for a command line to fix, as for a bad flag. */
class MainTest {
    @Test
    void badCommandLinesExitTwo() {
        assertEquals(2, Main.run(List.of()));
        assertEquals(2, Main.run(List.of("proxy")));
        assertEquals(2, Main.run(List.of("init", "--exclude-outbound-ports", "80x")));
        assertEquals(2, Main.run(List.of("run", "--drain-seconds", "-1")));
        assertEquals(2, Main.run(List.of("wait", "--health-port", "0")));
        System.setProperty("sidecar.proxy.tls", "gnutls");
        try {
            assertEquals(2, Main.run(List.of("run", "--dry-run")), "a TLS implementation the proxy does not have");
        } finally {
            System.clearProperty("sidecar.proxy.tls");
        }
        assertEquals(0, Main.run(List.of("run", "--dry-run")));
    }

    @Test
    void dryRunNeedsNoRoot() {
        assertEquals(0, Main.run(List.of("init", "--dry-run")));
    }
}
