package dev.sidecarinjector.mesh.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The webhook's own application (target/quarkus-app/quarkus-run.jar), which is also the control plane, run as its
 * own process in the node namespace as {@code make run} runs it: the directory mesh source on {@link #meshDirectory},
 * a development CA and a serving certificate from hack/dev-certs.sh whose names include the node address, since the
 * proxies dial {@code NODE_IP:15012} and check the name. It can be stopped and started again on the same files.
 */
final class ControlPlaneProcess implements AutoCloseable {

    static final int STREAM_PORT = 15012;
    private static final String LISTENING = "mesh stream on https://";

    private final MeshLab lab;
    private final Path jar;
    final Path certs;
    final Path caCert;
    final Path meshDirectory;
    private Process process;
    private Path log;
    private int starts;

    private ControlPlaneProcess(MeshLab lab, Path jar) {
        this.lab = lab;
        this.jar = jar;
        this.certs = lab.dir.resolve("certs");
        this.caCert = certs.resolve("ca.crt");
        this.meshDirectory = lab.dir.resolve("mesh");
    }

    /** Makes the certificates and the (empty) mesh directory; {@link #start()} runs it. */
    static ControlPlaneProcess prepare(MeshLab lab, Path jar) throws IOException, InterruptedException {
        var controlPlane = new ControlPlaneProcess(lab, jar);
        Files.createDirectories(controlPlane.meshDirectory);
        var result = MeshLab.run(List.of("hack/dev-certs.sh", controlPlane.certs.toString(), lab.nodeIp));
        if (result.exit() != 0) {
            throw new IOException("hack/dev-certs.sh failed: " + result.output());
        }
        // The proxy (uid 1337) reads the CA; the keys stay the root user's.
        controlPlane.caCert.toFile().setReadable(true, false);
        controlPlane.certs.toFile().setExecutable(true, false);
        return controlPlane;
    }

    String address() {
        return lab.nodeIp + ":" + STREAM_PORT;
    }

    /** Starts it and waits until the stream port listens (at most 60 s); returns when that was. */
    long start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the control plane is running");
        }
        log = lab.dir.resolve("control-plane-" + ++starts + ".log");
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = lab.start(lab.node, log, Map.of(
                        "TLS_CERT_FILE", certs.resolve("tls.crt").toString(),
                        "TLS_KEY_FILE", certs.resolve("tls.key").toString()),
                List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dinjector.mesh.source=directory",
                        "-Dinjector.mesh.directory=" + meshDirectory,
                        "-Dinjector.mesh.root-cert-file=" + caCert,
                        "-Dinjector.namespaces.source=static",
                        // The proxies verify 15012 with the dev CA above and have no token the CA would accept: the
                        // mesh CA stays off here (its own tests: CaIT, CaKubernetesIT), and they run without certificates.
                        "-Dinjector.ca.enabled=false",
                        "-jar", jar.toString(), "serve"));
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(LISTENING)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("control plane did not start (alive " + process.isAlive() + "):\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return System.currentTimeMillis();
    }

    /** SIGTERM, as the kubelet stops a pod; waits for the exit (at most 20 s, then SIGKILL). */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /** The log of the current (or last) run. */
    String log() throws IOException {
        return log == null || !Files.exists(log) ? "" : Files.readString(log);
    }

    /** {@code bin/sidecar-injector mesh status} against this control plane, run in the node namespace. */
    String meshStatus() throws IOException, InterruptedException {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return lab.exec(lab.node, java, "-Xmx128m", "-Dquarkus.log.level=WARN", "-jar", jar.toString(), "mesh", "status",
                "--control-plane", "https://" + address(), "--cacert", caCert.toString());
    }

    @Override
    public void close() throws InterruptedException {
        if (running()) {
            stop();
        }
    }
}
