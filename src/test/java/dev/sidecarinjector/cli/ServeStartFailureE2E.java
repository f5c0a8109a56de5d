package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged webhook started as a user starts it ({@code java -jar quarkus-run.jar serve}) with a bad setting, no
 * certificate, a file that is not the PEM it should be, or a key that is not the certificate's: exit 1 and one line on
 * stderr naming the problem, no exception's name or stack trace.
 */
class ServeStartFailureE2E {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path dir;

    @Test
    void aBadSettingIsOneLine() throws Exception {
        assertRefused(List.of("-Dinjector.tls.implementation=wolfssl", "-Dinjector.tls.implementaton=jdk"),
                "error: invalid configuration: injector.tls.implementation: \"wolfssl\" is not one of jdk, boringssl; "
                        + "injector.tls.implementaton: no such setting; did you mean injector.tls.implementation?");
    }

    @Test
    void aMissingCertificateIsNamed() throws Exception {
        var cert = dir.resolve("missing/tls.crt");
        assertRefused(servingPair(cert.toString(), dir.resolve("missing/tls.key").toString()),
                "error: cannot start: Invalid key/certificate pair configuration for certificate '<default>' - cannot read the key/certificate "
                        + "files: " + cert + ": no such file (the serving certificate and key: TLS_CERT_FILE and TLS_KEY_FILE)");
    }

    @Test
    void aFileThatIsNotTheRightPemIsNamed() throws Exception {
        var pair = certificates("a");
        var cert = pair.resolve("tls.crt").toString();
        assertRefused(servingPair(cert, cert),
                "error: cannot start: the serving certificate and key (" + cert + ", " + cert + ") are not a PEM certificate and its private key: "
                        + "Missing -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY----- delimiter "
                        + "(TLS_CERT_FILE and TLS_KEY_FILE)");
    }

    @Test
    void aKeyThatIsNotTheCertificatesStopsTheStart() throws Exception {
        var cert = certificates("a").resolve("tls.crt").toString();
        var key = certificates("b").resolve("tls.key").toString();
        assertRefused(servingPair(cert, key),
                "error: cannot start: the serving certificate and key (" + cert + ", " + key + ") are not a pair: the private key does not "
                        + "belong to the certificate CN=sidecar-injector (TLS_CERT_FILE and TLS_KEY_FILE: the certificate "
                        + "and the key it was made for)");
    }

    @Test
    void theMeshStreamsPortInUseStopsTheStart() throws Exception {
        var pair = certificates("a");
        try (var taken = new java.net.ServerSocket(0)) {
            var port = taken.getLocalPort();
            var properties = new ArrayList<>(servingPair(pair.resolve("tls.crt").toString(), pair.resolve("tls.key").toString()));
            properties.add("-Dinjector.mesh.stream.port=" + port);
            var said = run(properties);
            assertTrue(said.matches("error: cannot listen on \\S+ port " + port + ": the address is in use or not this machine's "
                    + "\\(the mesh stream's: injector.mesh.stream.port, injector.mesh.stream.host\\)\n"), said);
        }
    }

    /** The properties that give serve its serving certificate and key (what TLS_CERT_FILE and TLS_KEY_FILE set). */
    private static List<String> servingPair(String cert, String key) {
        return List.of("-Dquarkus.tls.key-store.pem.0.cert=" + cert, "-Dquarkus.tls.key-store.pem.0.key=" + key);
    }

    /** A CA and a serving pair made by hack/dev-certs.sh (what make run uses) in {@code name} under the test's directory. */
    private Path certificates(String name) throws IOException, InterruptedException {
        var directory = dir.resolve(name);
        var process = new ProcessBuilder("hack/dev-certs.sh", directory.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        assertEquals(0, process.waitFor(), Files.readString(dir.resolve(name + ".log")));
        return directory;
    }

    private void assertRefused(List<String> properties, String expected) throws IOException, InterruptedException {
        assertEquals(expected + "\n", run(properties));
    }

    /** What serve printed on stderr, started with {@code properties} (after the test's ports: any free one); it must exit 1. */
    private String run(List<String> properties) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package before the E2E tests");
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-Dquarkus.http.ssl-port=0", "-Dinjector.mesh.stream.port=0"));
        command.addAll(properties);
        command.addAll(List.of("-jar", JAR.toString(), "serve"));
        var stderr = dir.resolve("stderr");
        var process = new ProcessBuilder(command).redirectOutput(dir.resolve("stdout").toFile()).redirectError(stderr.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "serve did not stop");
        var said = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(1, process.exitValue(), said);
        return said;
    }
}
