package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshStatusCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final MeshStatusCommand command = new MeshStatusCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void printsATableLikeProxyStatus() {
        var now = Instant.parse("2026-11-29T12:00:00Z");
        var table = MeshStatusCommand.table(List.of(
                new MeshStatusCommand.Row("productpage-1.default", "1764-3", "1764-3", "SYNCED", now.minusSeconds(192)),
                new MeshStatusCommand.Row("reviews-v1-1.default", "", "1764-3", "STALE", now.minusSeconds(7))), now);
        assertEquals("""
                NAME                    VERSION   SENT     STATE    CONNECTED
                productpage-1.default   1764-3    1764-3   SYNCED   3m12s
                reviews-v1-1.default    -         1764-3   STALE    7s
                """, table);
    }

    @Test
    void agesReadAsKubectlsDo() {
        assertEquals("59s", MeshStatusCommand.age(Duration.ofSeconds(59)));
        assertEquals("2h5m", MeshStatusCommand.age(Duration.ofMinutes(125)));
        assertEquals("3d4h", MeshStatusCommand.age(Duration.ofHours(76)));
    }

    @Test
    void anUnreachableControlPlaneIsExitOneWithAClearMessage() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertEquals(1, command.run("--control-plane", "https://127.0.0.1:" + port));
        assertEquals("error: cannot reach the control plane at https://127.0.0.1:" + port
                + ": connection refused (is it running? `make run` serves https://localhost:15012)\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsNameTheFlagAndTheValue() {
        assertEquals(2, command.run("--control-plane", "localhost:15012"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("error: --control-plane \"localhost:15012\" is not an https://HOST:PORT URL"));
        assertEquals(2, command.run("--cluster"));
        assertEquals(2, command.run("--control-plane", "https://localhost:99999"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error: --control-plane \"https://localhost:99999\": port 99999 is not a port (1 to 65535)"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(1, command.run("--cacert", "/nonexistent/ca.crt"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error: --cacert /nonexistent/ca.crt: no such file"), err.toString(StandardCharsets.UTF_8));
    }
}
