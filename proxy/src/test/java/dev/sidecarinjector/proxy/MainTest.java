package dev.sidecarinjector.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    void twoListenersOnOnePortAreRefusedNamingBothFlagsBeforeAnythingBinds() {
        assertRefused("--inbound-port and --outbound-port are both 36001: each listener needs a port of its own",
                "run", "--dry-run", "--inbound-port", "36001", "--outbound-port", "36001");
        // Not a dry run: without the check this one got as far as bind (exit 1, "Address already in use", no flag).
        assertRefused("--inbound-port and --status-port are both 36020: each listener needs a port of its own",
                "run", "--inbound-port", "36020", "--status-port", "36020");
        assertRefused("--health-port (default) and --metrics-port are both 15021: each listener needs a port of its own",
                "run", "--dry-run", "--metrics-port", "15021");
        assertRefused("--outbound-port and --admin-port are both 36002: each listener needs a port of its own",
                "run", "--dry-run", "--control-plane", "127.0.0.1:15012", "--outbound-port", "36002", "--admin-port", "36002");
        assertEquals(0, Main.run(List.of("run", "--dry-run", "--health-port", "15000")), "no admin listener without a control plane");
    }

    @Test
    void aControlPlaneThatIsNotAHostIsRefusedNamingTheFlag() {
        assertRefused("--control-plane: \"a b:1\" is not HOST:PORT: \"a b\" is not a DNS name or an IP address",
                "run", "--dry-run", "--control-plane", "a b:1");
    }

    private static void assertRefused(String message, String... args) {
        var log = new ByteArrayOutputStream();
        var stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run(List.of(args));
        } finally {
            System.setErr(stderr);
        }
        var text = log.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, text);
        assertTrue(text.startsWith("sidecar-proxy run: " + message + "\n"), text);
    }

    @Test
    void dryRunNeedsNoRoot() {
        assertEquals(0, Main.run(List.of("init", "--dry-run")));
    }

    /** The root certificate is read once, before the proxy serves: unreadable, the proxy stops with its path (exit 1). */
    @Test
    void anUnreadableRootCertificateStopsTheProxyNamingIt() throws Exception {
        var command = new ArrayList<>(List.of("run", "--control-plane", "127.0.0.1:15012", "--root-cert", "/nonexistent/root-cert.pem"));
        for (var flag : List.of("--inbound-port", "--outbound-port", "--health-port", "--metrics-port", "--status-port")) {
            try (var socket = new ServerSocket(0)) {
                command.addAll(List.of(flag, Integer.toString(socket.getLocalPort())));
            }
        }
        var log = new ByteArrayOutputStream();
        var stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run(command);
        } finally {
            System.setErr(stderr);
        }
        var text = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, text);
        assertTrue(text.contains("proxy failed to start: --root-cert /nonexistent/root-cert.pem: not a readable file"), text);
    }
}
