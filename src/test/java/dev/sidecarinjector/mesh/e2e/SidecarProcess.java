package dev.sidecarinjector.mesh.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real proxy in a pod namespace, as the injector sets it up: {@code sidecar-proxy init} as root writes the
 * interception rules, then {@code sidecar-proxy run --control-plane ... --root-cert ...} as uid/gid 1337 with the
 * identity the downward API gives ({@code POD_NAME}, {@code POD_NAMESPACE}, {@code INSTANCE_IP},
 * {@code SERVICE_ACCOUNT}; templates/sidecar-proxy.yaml). The jar and its launcher are copied to the lab's
 * world-readable folder: uid 1337 cannot read the build tree under /root.
 */
final class SidecarProcess {

    static final int PROXY_UID = 1337;

    private final MeshLab lab;
    private final String ns;
    private final Path launcher;
    final Path log;
    private Process process;

    private SidecarProcess(MeshLab lab, String ns, Path launcher) {
        this.lab = lab;
        this.ns = ns;
        this.launcher = launcher;
        this.log = lab.dir.resolve("proxy-" + ns + ".log");
    }

    /** Stages {@code proxyJar} with proxy/bin/sidecar-proxy, which finds the jar beside itself. */
    static SidecarProcess stage(MeshLab lab, String ns, Path proxyJar) throws IOException {
        var dir = lab.dir.resolve("proxy");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var jar = dir.resolve("sidecar-proxy.jar");
        if (!Files.exists(jar)) {
            Files.copy(proxyJar, jar);
            Files.copy(Path.of("proxy/bin/sidecar-proxy"), dir.resolve("sidecar-proxy"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(dir.resolve("sidecar-proxy"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return new SidecarProcess(lab, ns, dir.resolve("sidecar-proxy"));
    }

    /** The init container: Istio's nat rules, every inbound and outbound TCP port captured (the defaults). */
    void init() throws IOException, InterruptedException {
        lab.exec(ns, command(0, "init").toArray(String[]::new));
    }

    /**
     * The proxy container, as uid 1337, with the downward API's identity and any other variable of the container in
     * {@code env} ({@code ISTIO_KUBE_APP_PROBERS}). {@code token} stands for the projected service-account token the
     * injector mounts ({@code --token-file}); the proxy shows it to the control plane's CA when it asks for its workload
     * certificate.
     */
    void run(Map<String, String> env, String controlPlane, Path rootCert, String token) throws IOException {
        var file = lab.dir.resolve("proxy").resolve("istio-token-" + ns);
        Files.writeString(file, token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        process = lab.start(ns, log, env, command(PROXY_UID, "run", "--drain-seconds", "1",
                "--control-plane", controlPlane, "--root-cert", rootCert.toString(), "--token-file", file.toString()));
    }

    /** Blocks until {@code :15021/healthz/ready} answers 200, with the proxy's own {@code wait} command. */
    void awaitReady(int timeoutSeconds) throws IOException, InterruptedException {
        lab.exec(ns, command(0, "wait", "--timeout-seconds", Integer.toString(timeoutSeconds)).toArray(String[]::new));
    }

    Process process() {
        return process;
    }

    /** The real and effective uid of the running proxy, from /proc. */
    String uids() throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(line -> line.startsWith("Uid:")).findFirst().orElse("Uid: ?").substring(4).strip();
    }

    String natRules() throws IOException, InterruptedException {
        return lab.exec(ns, "iptables-save", "-t", "nat");
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The launcher with the JDK running the tests; as {@code uid} (its gid the same) unless 0. */
    private List<String> command(int uid, String... args) {
        var argv = new ArrayList<String>();
        if (uid != 0) {
            argv.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
        }
        argv.addAll(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"), launcher.toString()));
        argv.addAll(List.of(args));
        return argv;
    }
}
