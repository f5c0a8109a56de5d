package dev.sidecarinjector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.tls.TlsConfig;
import io.quarkus.runtime.QuarkusBindException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** serve's refusal of its configuration reads as kube-inject's: the property, the value, what it may be; one line. */
class StartFailureTest {

    @Test
    void aValueNotAmongTheAllowedOnesIsNamedWithThem() {
        var said = report(refusal(Map.of("injector.tls.implementation", "wolfssl")));
        assertEquals("error: invalid configuration: injector.tls.implementation: \"wolfssl\" is not one of jdk, boringssl\n", said);
    }

    @Test
    void anUnknownSettingGetsTheClosestKnownName() {
        var said = report(refusal(Map.of("injector.tls.implementaton", "jdk", "injector.tls.reload-period", "abc")));
        assertEquals("error: invalid configuration: injector.tls.implementaton: no such setting; did you mean injector.tls.implementation?; "
                + "injector.tls.reload-period: \"abc\" cannot be read: " + tail(said), said);
        assertTrue(!said.contains("SRCFG") && !said.contains("Exception"), said);
    }

    @Test
    void aPortInUseIsNamed() {
        var said = report(new RuntimeException(new QuarkusBindException("0.0.0.0", 8443, new BindException("Address already in use"))));
        assertEquals("error: cannot listen on 0.0.0.0 port 8443: the address is in use or not this machine's (quarkus.http.ssl-port, quarkus.http.host)\n", said);
        var stream = report(new RuntimeException(new dev.sidecarinjector.mesh.push.StreamBindException("::", 15012, new BindException("Address already in use"))));
        assertEquals("error: cannot listen on :: port 15012: the address is in use or not this machine's "
                + "(the mesh stream's: injector.mesh.stream.port, injector.mesh.stream.host)\n", stream);
    }

    @Test
    void aFileThatCannotBeReadIsNamedWithWhatReadIt() {
        var missing = new java.nio.file.NoSuchFileException("/etc/sidecar-injector/tls/tls.crt");
        var said = report(new RuntimeException("Failed to start quarkus", new IllegalStateException(
                "Invalid key/certificate pair configuration for certificate '<default>' - cannot read the key/certificate files",
                new java.io.UncheckedIOException("Unable to read file /etc/sidecar-injector/tls/tls.crt", missing))));
        assertEquals("error: cannot start: Invalid key/certificate pair configuration for certificate '<default>' - cannot read the "
                + "key/certificate files: /etc/sidecar-injector/tls/tls.crt: no such file (the serving certificate and key: TLS_CERT_FILE and TLS_KEY_FILE)\n", said);
        var denied = report(new RuntimeException(new java.nio.file.AccessDeniedException("/var/lib/mesh/ca/root-key.pem")));
        assertEquals("error: cannot start: /var/lib/mesh/ca/root-key.pem: permission denied\n", denied);
    }

    @Test
    void anythingElseIsTheInjectorsOwnFailureWithItsTrace() {
        var said = report(new RuntimeException("Failed to start quarkus", new IllegalStateException("boom")));
        assertTrue(said.startsWith("error: the webhook did not start: java.lang.RuntimeException: Failed to start quarkus\n"), said);
        assertTrue(said.contains("Caused by: java.lang.IllegalStateException: boom"), said);
    }

    @Test
    void theExitIsQuarkusesAndASuccessSaysNothing() {
        var exits = new ArrayList<Object>();
        var out = new ByteArrayOutputStream();
        var handler = StartFailure.reporting(new PrintStream(out, true, StandardCharsets.UTF_8), (code, failure) -> exits.add(code));
        handler.accept(0, null);
        handler.accept(1, refusal(Map.of("injector.tls.implementation", "wolfssl")));
        assertEquals(List.of(0, 1), exits);
        assertEquals(1, out.toString(StandardCharsets.UTF_8).lines().count());
    }

    /** An unknown name is compared with every mapping's names: each {@code @ConfigMapping} of the code is listed. */
    @Test
    void everyMappingIsKnown() throws IOException {
        var declared = new TreeSet<String>();
        var mapping = Pattern.compile("(?m)^@ConfigMapping\\(");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (var file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (mapping.matcher(Files.readString(file)).find()) {
                    var name = Path.of("src/main/java").relativize(file).toString();
                    declared.add(name.substring(0, name.length() - ".java".length()).replace('/', '.'));
                }
            }
        }
        assertEquals(declared, new TreeSet<>(StartFailure.MAPPINGS.stream().map(Class::getName).toList()));
    }

    /** What Quarkus hands the exit handler when the configuration is refused: SmallRye's exception, wrapped. */
    private static RuntimeException refusal(Map<String, String> properties) {
        try {
            SmallRyeConfig config = new SmallRyeConfigBuilder()
                    .withSources(new MapBackedConfigSource("test", properties, 500) {
                    })
                    .withDefaultValue(SmallRyeConfig.SMALLRYE_CONFIG_MAPPING_VALIDATE_UNKNOWN, "true")
                    // As Quarkus reads durations ("10s").
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withMapping(TlsConfig.class)
                    .build();
            throw new AssertionError("the configuration was accepted: " + config.getConfigMapping(TlsConfig.class));
        } catch (ConfigValidationException e) {
            return new RuntimeException("Failed to start", e);
        }
    }

    private static String report(Throwable failure) {
        var out = new ByteArrayOutputStream();
        StartFailure.report(failure, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String tail(String said) {
        return said.substring(said.indexOf("cannot be read: ") + "cannot be read: ".length());
    }
}
