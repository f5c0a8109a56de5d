package dev.sidecarinjector.mesh.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The webhook's own application (target/quarkus-app/quarkus-run.jar), which is also the control plane, run as its
 * own process in the node namespace as {@code make run} runs it, on the directory mesh source ({@link #meshDirectory}).
 * Two ways, as a user runs it:
 * <ul>
 * <li>{@link #prepare}: the mesh CA off; 15012 serves a development certificate from hack/dev-certs.sh whose names
 * include the node address (the proxies dial {@code NODE_IP:15012} and check the name), and proxies run without
 * workload certificates;</li>
 * <li>{@link #prepareWithCa}: the mesh CA on (docs/ca.md), its self-signed root made in the lab's folder at the first
 * start, 15012 certified by it for the node address, and tokens checked against the JWKS of hack/dev-token.sh, which
 * signs each proxy's token ({@link #token}).</li>
 * </ul>
 * It can be stopped and started again on the same files.
 */
final class ControlPlaneProcess implements AutoCloseable {

    static final int STREAM_PORT = 15012;
    private static final String LISTENING = "mesh stream on https://";

    private final MeshLab lab;
    private final Path jar;
    final Path certs;
    /** What proxies verify 15012 with ({@code --root-cert}): the dev CA, or the mesh CA's root once it has started. */
    final Path rootCert;
    final Path meshDirectory;
    /** With the mesh CA: its folder, the JWKS key's folder, and the lifetime of workload certificates. */
    private final Path caDirectory;
    private final Path jwtDirectory;
    private final Duration workloadCertTtl;
    private Process process;
    private Path log;
    private int starts;

    private ControlPlaneProcess(MeshLab lab, Path jar, Duration workloadCertTtl) {
        this.lab = lab;
        this.jar = jar;
        this.certs = lab.dir.resolve("certs");
        this.meshDirectory = lab.dir.resolve("mesh");
        this.caDirectory = lab.dir.resolve("mesh-ca");
        this.jwtDirectory = lab.dir.resolve("dev-jwt");
        this.workloadCertTtl = workloadCertTtl;
        this.rootCert = workloadCertTtl == null ? certs.resolve("ca.crt") : caDirectory.resolve("root-cert.pem");
    }

    /** The mesh CA off: makes the certificates and the (empty) mesh directory; {@link #start()} runs it. */
    static ControlPlaneProcess prepare(MeshLab lab, Path jar) throws IOException, InterruptedException {
        return prepare(new ControlPlaneProcess(lab, jar, null));
    }

    /**
     * The mesh CA on, issuing workload certificates valid {@code workloadCertTtl} ({@code injector.ca.workload-cert-ttl}):
     * also makes the development JWKS ({@code hack/dev-token.sh --init}).
     */
    static ControlPlaneProcess prepareWithCa(MeshLab lab, Path jar, Duration workloadCertTtl) throws IOException, InterruptedException {
        var controlPlane = prepare(new ControlPlaneProcess(lab, jar, workloadCertTtl));
        controlPlane.devToken("--init");
        return controlPlane;
    }

    /**
     * A projected ServiceAccount token as the injector mounts it (audience istio-ca, an hour), signed by
     * {@code hack/dev-token.sh} with the key whose JWKS the CA checks.
     */
    String token(String namespace, String serviceAccount) throws IOException, InterruptedException {
        if (workloadCertTtl == null) {
            throw new IllegalStateException("the mesh CA is off: no token would be accepted");
        }
        return devToken(namespace, serviceAccount).strip();
    }

    private String devToken(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("env", "DEV_JWT_DIR=" + jwtDirectory, "hack/dev-token.sh"));
        command.addAll(List.of(args));
        var result = MeshLab.run(command);
        if (result.exit() != 0) {
            throw new IOException("hack/dev-token.sh " + String.join(" ", args) + " failed: " + result.output());
        }
        return result.output();
    }

    private static ControlPlaneProcess prepare(ControlPlaneProcess controlPlane) throws IOException, InterruptedException {
        var lab = controlPlane.lab;
        Files.createDirectories(controlPlane.meshDirectory);
        var result = MeshLab.run(List.of("hack/dev-certs.sh", controlPlane.certs.toString(), lab.nodeIp));
        if (result.exit() != 0) {
            throw new IOException("hack/dev-certs.sh failed: " + result.output());
        }
        // The proxy (uid 1337) reads the CA; the keys stay the root user's.
        controlPlane.certs.resolve("ca.crt").toFile().setReadable(true, false);
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
        var command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dinjector.mesh.source=directory",
                "-Dinjector.mesh.directory=" + meshDirectory,
                "-Dinjector.namespaces.source=static"));
        if (workloadCertTtl == null) {
            // The proxies verify 15012 with the dev CA above and run without workload certificates.
            command.addAll(List.of("-Dinjector.ca.enabled=false", "-Dinjector.mesh.root-cert-file=" + rootCert));
        } else {
            command.addAll(List.of("-Dinjector.ca.enabled=true",
                    "-Dinjector.ca.directory=" + caDirectory,
                    "-Dinjector.ca.plugin-directory=" + lab.dir.resolve("no-plugged-in-ca"),
                    "-Dinjector.ca.server-names=" + lab.nodeIp,
                    "-Dinjector.ca.workload-cert-ttl=" + workloadCertTtl.toSeconds() + "s",
                    "-Dinjector.ca.jwt.issuer=sidecar-injector-dev",
                    "-Dinjector.ca.jwt.jwks-file=" + jwtDirectory.resolve("jwks.json")));
        }
        command.addAll(List.of("-jar", jar.toString(), "serve"));
        process = lab.start(lab.node, log, Map.of(
                "TLS_CERT_FILE", certs.resolve("tls.crt").toString(),
                "TLS_KEY_FILE", certs.resolve("tls.key").toString()), command);
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

    /** The current (or last) run's process. */
    Process process() {
        return process;
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
                "--control-plane", "https://" + address(), "--cacert", rootCert.toString());
    }

    @Override
    public void close() throws InterruptedException {
        if (running()) {
            stop();
        }
    }
}
