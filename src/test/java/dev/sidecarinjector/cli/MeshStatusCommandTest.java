package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void theConfigurationsProblemsFollowTheTable() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals("\nconfiguration: no problems\n", MeshStatusCommand.problems(json.readTree("[]")));
        assertEquals("""

                configuration: 2 problems, 1 leaving an object out:
                  PeerAuthentication default/strict: spec.mtls.mode: "STRCT" is not one of ...; the PeerAuthentication is left out
                  VirtualService default/reviews: spec.http[0].mirror is not supported yet; ignored
                """, MeshStatusCommand.problems(json.readTree("""
                [{"leftOut": true, "text": "PeerAuthentication default/strict: spec.mtls.mode: \\"STRCT\\" is not one of ...; the PeerAuthentication is left out"},
                 {"leftOut": false, "text": "VirtualService default/reviews: spec.http[0].mirror is not supported yet; ignored"}]
                """)));
        var many = json.createArrayNode();
        for (var i = 0; i < MeshStatusCommand.PROBLEMS_SHOWN + 3; i++) {
            many.addObject().put("leftOut", false).put("text", "problem " + i);
        }
        assertTrue(MeshStatusCommand.problems(many).endsWith("  problem 19\n  ... and 3 more (all are in the control plane's log)\n"));
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
    void anUntrustedControlPlaneGetsTheCacertHint(@TempDir Path dir) throws Exception {
        var store = dir.resolve("server.p12");
        var keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        var made = new ProcessBuilder(keytool, "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "secret",
                "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "1").redirectErrorStream(true).start();
        assertEquals(0, made.waitFor(), new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        var keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, "secret".toCharArray());
        }
        var managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "secret".toCharArray());
        var tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        try (var server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0)) {
            // Handshakes (each fails on the client's side) until the socket closes.
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (var socket = (SSLSocket) server.accept()) {
                        socket.startHandshake();
                    } catch (IOException e) {
                        // The client refused the certificate, or the test is over.
                    }
                }
            });
            var url = "https://127.0.0.1:" + server.getLocalPort();
            assertEquals(1, command.run("--control-plane", url));
            var said = err.toString(StandardCharsets.UTF_8);
            assertTrue(said.startsWith("error: cannot reach the control plane at " + url + ": "), said);
            // With make run's roots present, the one tried is named too: "give its CA with --cacert, not target/mesh-ca/root-cert.pem".
            assertTrue(said.contains(" (its certificate is not trusted: give its CA with --cacert"), said);
        }
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
