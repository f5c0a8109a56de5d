package dev.sidecarinjector.proxy.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image cannot be built here, but its runtime can: jlink the modules the Dockerfile names and
 * run the jar on that runtime through the launcher, as the image does.
 */
class RuntimeImageIT {
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final Path JAR = Path.of(System.getProperty("proxy.jar"));

    @Test
    void dockerfileModulesCoverWhatTheJarNeedsAndTheProxyRunsOnThem(@TempDir Path tmp) throws Exception {
        Set<String> imageModules = dockerfileModules();
        String needed = run(List.of(JAVA_HOME.resolve("bin/jdeps").toString(), "--ignore-missing-deps",
                "--print-module-deps", "--multi-release", "25", JAR.toString()), Path.of(".")).strip();
        var missing = new TreeSet<>(Arrays.asList(needed.split(",")));
        missing.removeAll(imageModules);
        assertTrue(missing.isEmpty(), "modules the jar needs but the Dockerfile's jlink leaves out: " + missing);

        Path runtime = tmp.resolve("java");
        run(List.of(JAVA_HOME.resolve("bin/jlink").toString(), "--add-modules", String.join(",", imageModules),
                "--strip-debug", "--no-man-pages", "--no-header-files", "--output", runtime.toString()), tmp);

        assertTrue(launch(runtime, tmp, "init", "--dry-run").contains("-j REDIRECT --to-ports 15001"));
        int[] ports = freePorts(4);
        Process proxy = new ProcessBuilder(launcher(runtime, "run", "--inbound-port", "" + ports[0], "--outbound-port",
                "" + ports[1], "--health-port", "" + ports[2], "--metrics-port", "" + ports[3]))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("proxy.log").toFile()).start();
        try {
            launch(runtime, tmp, "wait", "--health-port", "" + ports[2], "--timeout-seconds", "20");
        } finally {
            proxy.destroy();
            assertTrue(proxy.waitFor(15, TimeUnit.SECONDS));
        }
        assertEquals(0, proxy.exitValue(), Files.readString(tmp.resolve("proxy.log")));
    }

    /** BoringSSL (netty-tcnative) loads on the image's runtime, unpacked to a writable tmpdir as the pod's /tmp. */
    @Test
    void boringSslLoadsOnTheImageRuntime(@TempDir Path tmp) throws Exception {
        Path runtime = tmp.resolve("java");
        run(List.of(JAVA_HOME.resolve("bin/jlink").toString(), "--add-modules", String.join(",", dockerfileModules()),
                "--strip-debug", "--no-man-pages", "--no-header-files", "--output", runtime.toString()), tmp);
        Path source = tmp.resolve("TlsCheck.java");
        Files.writeString(source, """
                public class TlsCheck {
                    public static void main(String[] args) {
                        System.out.println(dev.sidecarinjector.proxy.tls.TlsProvider.describe());
                    }
                }
                """);
        run(List.of(JAVA_HOME.resolve("bin/javac").toString(), "-cp", JAR.toString(), "-d", tmp.resolve("classes").toString(),
                source.toString()), tmp);
        Path unpacked = Files.createDirectories(tmp.resolve("pod-tmp"));
        String described = run(List.of(runtime.resolve("bin/java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + unpacked, "-cp", tmp.resolve("classes") + ":" + JAR, "TlsCheck"), tmp).strip();
        assertTrue(described.endsWith("BoringSSL (netty-tcnative)"), described);
    }

    private static Set<String> dockerfileModules() throws IOException {
        var matcher = Pattern.compile("--add-modules\\s+(\\S+)").matcher(Files.readString(Path.of("Dockerfile")));
        assertTrue(matcher.find(), "Dockerfile has a jlink --add-modules line");
        return new TreeSet<>(Arrays.asList(matcher.group(1).split(",")));
    }

    private static List<String> launcher(Path runtime, String... args) {
        var argv = new java.util.ArrayList<>(List.of("env", "JAVA_HOME=" + runtime, "SIDECAR_PROXY_JAR=" + JAR,
                Path.of("bin/sidecar-proxy").toAbsolutePath().toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    private static String launch(Path runtime, Path dir, String... args) throws Exception {
        return run(launcher(runtime, args), dir);
    }

    private static String run(List<String> command, Path dir) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, process.exitValue(), command + ":\n" + output);
        return output;
    }

    private static int[] freePorts(int count) throws IOException {
        var sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        return ports;
    }
}
