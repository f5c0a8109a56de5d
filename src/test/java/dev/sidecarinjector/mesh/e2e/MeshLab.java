package dev.sidecarinjector.mesh.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A node and its pods in network namespaces, wired as a cluster wires them (shared/reference/interception.md, "a
 * small mesh"): the node namespace holds a bridge, each pod namespace an {@code eth0} veth attached to it with its
 * default route via the node. Names carry a random suffix and the pods a random /24 of 10.253.0.0/16, so parallel
 * runs never meet. Everything it creates or starts is removed by {@link #close()}, also from a shutdown hook.
 */
final class MeshLab implements AutoCloseable {

    final String suffix;
    final String node;
    final String subnet;
    final String nodeIp;
    /** A world-readable folder (uid 1337 cannot read /root): staged jars, certificates, the mesh directory, logs. */
    final Path dir;
    private final Map<String, String> pods = new LinkedHashMap<>();
    private final List<Process> started = new ArrayList<>();
    private final Thread hook = new Thread(this::close, "mesh-lab-cleanup");
    private boolean closed;

    private MeshLab(String suffix, int third, Path dir) {
        this.suffix = suffix;
        this.node = "me-node-" + suffix;
        this.subnet = "10.253." + third;
        this.nodeIp = subnet + ".1";
        this.dir = dir;
    }

    /** The node with its bridge; pods come with {@link #addPod}. */
    static MeshLab create() throws IOException, InterruptedException {
        var random = ThreadLocalRandom.current();
        var dir = Files.createTempDirectory(Path.of("/tmp"), "mesh-e2e-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // 10.253.255.0/24 holds the Service ClusterIPs, which exist only in configuration.
        var lab = new MeshLab(Integer.toString(random.nextInt(36 * 36 * 36 * 36, 36 * 36 * 36 * 36 * 36), 36),
                random.nextInt(1, 255), dir);
        Runtime.getRuntime().addShutdownHook(lab.hook);
        try {
            check("ip", "netns", "add", lab.node);
            check("ip", "-n", lab.node, "link", "set", "lo", "up");
            check("ip", "-n", lab.node, "link", "add", "br0", "type", "bridge");
            check("ip", "-n", lab.node, "addr", "add", lab.nodeIp + "/24", "dev", "br0");
            check("ip", "-n", lab.node, "link", "set", "br0", "up");
            lab.exec(lab.node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            lab.exec(lab.node, "sysctl", "-qw", "net.ipv4.conf.all.send_redirects=0");
            lab.exec(lab.node, "sysctl", "-qw", "net.ipv4.conf.br0.send_redirects=0");
            // No kube-proxy: a ClusterIP is reachable only through a sidecar's routing. A connection relayed to it at
            // L4 gets the node's "unreachable" at once, not after SYN retransmissions while ICMP is rate-limited.
            lab.exec(lab.node, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** A pod namespace at {@code subnet.host}, on the bridge; returns its namespace name. */
    String addPod(String name, int host) throws IOException, InterruptedException {
        var ns = "me-" + name + "-" + suffix;
        var ip = subnet + "." + host;
        var hostSide = "h" + suffix + pods.size();
        check("ip", "netns", "add", ns);
        pods.put(name, ns);
        check("ip", "link", "add", hostSide, "netns", node, "type", "veth", "peer", "name", "eth0", "netns", ns);
        check("ip", "-n", node, "link", "set", hostSide, "master", "br0");
        check("ip", "-n", node, "link", "set", hostSide, "up");
        check("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        check("ip", "-n", ns, "link", "set", "lo", "up");
        check("ip", "-n", ns, "link", "set", "eth0", "up");
        check("ip", "-n", ns, "route", "add", "default", "via", nodeIp);
        exec(ns, "sysctl", "-qw", "net.ipv4.conf.all.accept_redirects=0");
        exec(ns, "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1");
        return ns;
    }

    String ns(String pod) {
        return pods.get(pod);
    }

    String ip(int host) {
        return subnet + "." + host;
    }

    /** Runs a command inside a namespace and returns its output; fails on a non-zero exit. */
    String exec(String ns, String... command) throws IOException, InterruptedException {
        var result = run(inNamespace(ns, List.of(command)));
        if (result.exit() != 0) {
            throw new IOException("%s in %s exited %d: %s".formatted(String.join(" ", command), ns, result.exit(), result.output()));
        }
        return result.output();
    }

    /** Starts a long-running process inside a namespace, stdout and stderr to {@code log}, with extra environment. */
    Process start(String ns, Path log, Map<String, String> env, List<String> command) throws IOException {
        var builder = new ProcessBuilder(inNamespace(ns, command)).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return track(builder.start());
    }

    /** Starts a process inside a namespace that the test talks to over stdin and stdout; stderr to {@code log}. */
    Process startPiped(String ns, Path log, List<String> command) throws IOException {
        return track(new ProcessBuilder(inNamespace(ns, command)).redirectError(log.toFile()).start());
    }

    private synchronized Process track(Process process) {
        started.add(process);
        return process;
    }

    /** {@code ip netns exec} execs the command, so the process is the command itself and a signal reaches it. */
    private static List<String> inNamespace(String ns, List<String> command) {
        var argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(command);
        return argv;
    }

    static void check(String... command) throws IOException, InterruptedException {
        var result = run(List.of(command));
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + result.exit() + ": " + result.output());
        }
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        var output = new StringBuilder();
        var reader = Thread.ofVirtual().start(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append(e);
            }
        });
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        reader.join();
        return new Result(process.exitValue(), output.toString());
    }

    /** Every namespace this lab made, pods first. */
    List<String> namespaces() {
        var all = new ArrayList<>(pods.values());
        all.add(node);
        return all;
    }

    /**
     * Stops what it started (SIGTERM, then SIGKILL after 5 s), kills any process left in its namespaces, deletes
     * them (their veths go with them) and the folder. Safe to call twice.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: this is the hook
        }
        started.forEach(Process::destroy);
        for (var process : started) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (var ns : namespaces()) {
            try {
                for (var pid : run(List.of("ip", "netns", "pids", ns)).output().split("\\s+")) {
                    if (pid.matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                var deleted = run(List.of("ip", "netns", "del", ns));
                if (deleted.exit() != 0) {
                    System.err.println("mesh lab: could not remove " + ns + ": " + deleted.output());
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("mesh lab: could not remove " + ns + ": " + e.getMessage());
            }
        }
        if (Boolean.getBoolean("mesh.e2e.keep")) {
            System.err.println("mesh lab: kept " + dir + " (logs, certificates, mesh files) for -Dmesh.e2e.keep=true");
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("mesh lab: could not remove " + dir + ": " + e.getMessage());
        }
    }

    /** Whether anything this lab made is still there: its namespaces, or a process it started. */
    List<String> leftovers() throws IOException, InterruptedException {
        var left = new ArrayList<String>();
        var list = run(List.of("ip", "netns", "list")).output();
        for (var ns : namespaces()) {
            if (list.lines().anyMatch(line -> line.split(" ")[0].equals(ns))) {
                left.add("namespace " + ns);
            }
        }
        for (var process : started) {
            if (process.isAlive()) {
                left.add("process " + process.pid() + " " + process.info().commandLine().orElse(""));
            }
        }
        if (run(List.of("ip", "-o", "link", "show")).output().contains("h" + suffix)) {
            left.add("a link named h" + suffix + "* in the host namespace");
        }
        if (Files.exists(dir) && !Boolean.getBoolean("mesh.e2e.keep")) {
            left.add("folder " + dir);
        }
        return left;
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }
}
