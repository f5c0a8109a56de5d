package dev.sidecarinjector.proxy.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The built jar, the launcher and the test tool copied to a world-readable folder: uid 1337 and the
 * app uid cannot read the build tree or the Maven repository under /root.
 */
final class StagedProxy implements AutoCloseable {
    final Path dir;
    final Path launcher;
    final Path tool;
    final Path proxyLog;

    private StagedProxy(Path dir) {
        this.dir = dir;
        this.launcher = dir.resolve("sidecar-proxy");
        this.tool = dir.resolve("tcptool.py");
        this.proxyLog = dir.resolve("proxy.log");
    }

    static StagedProxy stage() throws IOException {
        Path jar = Path.of(Objects.requireNonNull(System.getProperty("proxy.jar"), "system property proxy.jar"));
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sidecar-proxy-e2e-");
        var staged = new StagedProxy(dir);
        Files.copy(jar, dir.resolve("sidecar-proxy.jar"));
        Files.copy(Path.of("bin/sidecar-proxy"), staged.launcher, StandardCopyOption.COPY_ATTRIBUTES);
        try (var tool = StagedProxy.class.getResourceAsStream("/e2e/tcptool.py")) {
            Files.copy(Objects.requireNonNull(tool, "tcptool.py"), staged.tool);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(staged.launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(staged.tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("sidecar-proxy.jar"), PosixFilePermissions.fromString("rw-r--r--"));
        return staged;
    }

    /** The launcher as a given uid (gid the same), with the JDK running these tests. */
    List<String> proxyCommand(int uid, String... args) {
        var argv = new ArrayList<>(asUser(uid));
        argv.addAll(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"), launcher.toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    List<String> toolCommand(int uid, String... args) {
        var argv = new ArrayList<>(asUser(uid));
        argv.addAll(List.of("/usr/bin/python3", tool.toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    private static List<String> asUser(int uid) {
        return uid == 0 ? List.of() : List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups");
    }

    /** Prints the proxy's log to stderr (what a failed run needs to be read), then removes the staged files. */
    public void printLogAndClose() throws IOException {
        System.err.println("proxy log:\n" + (Files.exists(proxyLog) ? Files.readString(proxyLog) : ""));
        close();
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
