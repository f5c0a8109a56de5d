package dev.sidecarinjector.proxy.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A "pod" and a "remote" network namespace joined by a veth pair ({@link #create()}, IPv4 only), or each joined to
 * a "node" namespace that routes between them over IPv4 and IPv6, as a cluster's node does ({@link #createDualStack()}).
 * Named uniquely per run, with addresses that exist only inside them. Everything it creates or starts, it removes in
 * {@link #close()}.
 */
final class NetnsLab implements AutoCloseable {
    static final String POD_IP = "10.251.7.2";
    static final String REMOTE_IP = "10.251.7.1";
    /** A second remote network, reached over the same veth, for the excluded-CIDR case. */
    static final String OTHER_REMOTE_IP = "10.251.8.1";

    /** The dual-stack lab: the pod's addresses, the remote's, and a remote address in a range the tests exclude. */
    static final String DS_POD_IP = "10.252.1.2";
    static final String DS_POD_IP6 = "fd00:252:1::2";
    static final String DS_REMOTE_IP = "10.252.2.2";
    static final String DS_REMOTE_IP6 = "fd00:252:2::2";
    static final String DS_EXCLUDED_RANGE6 = "fd00:252:3::/64";
    static final String DS_EXCLUDED_IP6 = "fd00:252:3::2";

    final String pod;
    final String remote;
    /** The node namespace of the dual-stack lab, or null. */
    final String node;
    private final List<Process> started = new ArrayList<>();

    private NetnsLab(String suffix, boolean withNode) {
        pod = "spod-" + suffix;
        remote = "srem-" + suffix;
        node = withNode ? "snode-" + suffix : null;
    }

    private static String suffix() {
        return Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    }

    /**
     * Pod and remote, each with an IPv4 and an IPv6 address on its {@code eth0}, routed through the node (default
     * routes of both families via the node's address on that link). IPv6 addresses skip duplicate address detection,
     * so they are usable at once.
     */
    static NetnsLab createDualStack() throws IOException, InterruptedException {
        String suffix = suffix();
        var lab = new NetnsLab(suffix, true);
        try {
            for (String ns : List.of(lab.node, lab.pod, lab.remote)) {
                check("ip", "netns", "add", ns);
                check("ip", "-n", ns, "link", "set", "lo", "up");
            }
            lab.plug(lab.pod, "hp" + suffix, "1");
            lab.plug(lab.remote, "hr" + suffix, "2");
            check("ip", "-n", lab.remote, "addr", "add", DS_EXCLUDED_IP6 + "/64", "dev", "eth0", "nodad");
            check("ip", "-n", lab.node, "-6", "route", "add", DS_EXCLUDED_RANGE6, "via", DS_REMOTE_IP6);
            lab.exec(lab.node, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** A veth from the node to {@code ns}'s eth0: 10.252.N.0/24 and fd00:252:N::/64, the node at .1 and ::1. */
    private void plug(String ns, String hostSide, String n) throws IOException, InterruptedException {
        check("ip", "link", "add", hostSide, "netns", node, "type", "veth", "peer", "name", "eth0", "netns", ns);
        check("ip", "-n", node, "addr", "add", "10.252." + n + ".1/24", "dev", hostSide);
        check("ip", "-n", node, "addr", "add", "fd00:252:" + n + "::1/64", "dev", hostSide, "nodad");
        check("ip", "-n", ns, "addr", "add", "10.252." + n + ".2/24", "dev", "eth0");
        check("ip", "-n", ns, "addr", "add", "fd00:252:" + n + "::2/64", "dev", "eth0", "nodad");
        check("ip", "-n", node, "link", "set", hostSide, "up");
        check("ip", "-n", ns, "link", "set", "eth0", "up");
        check("ip", "-n", ns, "route", "add", "default", "via", "10.252." + n + ".1");
        check("ip", "-n", ns, "-6", "route", "add", "default", "via", "fd00:252:" + n + "::1");
    }

    static NetnsLab create() throws IOException, InterruptedException {
        String suffix = suffix();
        var lab = new NetnsLab(suffix, false);
        String vpod = "vp" + suffix;
        String vremote = "vr" + suffix;
        try {
            check("ip", "netns", "add", lab.pod);
            check("ip", "netns", "add", lab.remote);
            check("ip", "link", "add", vpod, "type", "veth", "peer", "name", vremote);
            check("ip", "link", "set", vpod, "netns", lab.pod);
            check("ip", "link", "set", vremote, "netns", lab.remote);
            check("ip", "-n", lab.pod, "addr", "add", POD_IP + "/24", "dev", vpod);
            check("ip", "-n", lab.remote, "addr", "add", REMOTE_IP + "/24", "dev", vremote);
            check("ip", "-n", lab.remote, "addr", "add", OTHER_REMOTE_IP + "/24", "dev", vremote);
            for (String ns : List.of(lab.pod, lab.remote)) {
                check("ip", "-n", ns, "link", "set", "lo", "up");
            }
            check("ip", "-n", lab.pod, "link", "set", vpod, "up");
            check("ip", "-n", lab.remote, "link", "set", vremote, "up");
            check("ip", "-n", lab.pod, "route", "add", "10.251.8.0/24", "dev", vpod);
            // Thousands of short connections: reuse TIME_WAIT ports instead of running out.
            lab.exec(lab.pod, "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1");
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** Runs a command inside a namespace and returns its stdout; fails on a non-zero exit. */
    String exec(String ns, String... command) throws IOException, InterruptedException {
        Result result = tryExec(ns, command);
        if (result.exit() != 0) {
            throw new IOException("%s in %s exited %d: %s".formatted(String.join(" ", command), ns, result.exit(), result.output()));
        }
        return result.output();
    }

    /** Output is stdout and stderr together: a failing client explains itself. */
    record Result(int exit, String output) {
    }

    Result tryExec(String ns, String... command) throws IOException, InterruptedException {
        var argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(command));
        return run(argv.toArray(String[]::new));
    }

    /** Starts a long-running process inside a namespace; its output goes to {@code log}. */
    Process start(String ns, Path log, String... command) throws IOException {
        var argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(command));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(process);
        return process;
    }

    /** Runs a command on the host; fails on a non-zero exit. */
    static void check(String... command) throws IOException, InterruptedException {
        Result result = run(command);
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + result.exit() + ": " + result.output());
        }
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        var output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append(e);
            }
        });
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        reader.join();
        return new Result(process.exitValue(), output.toString());
    }

    /** Stops what this lab started (by process, then any pid left in its namespaces) and deletes the namespaces. */
    @Override
    public void close() {
        for (Process process : started) {
            process.destroy();
        }
        for (Process process : started) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : node == null ? List.of(pod, remote) : List.of(pod, remote, node)) {
            try {
                for (String pid : run("ip", "netns", "pids", ns).output().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                check("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("netns lab: could not remove " + ns + ": " + e.getMessage());
            }
        }
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }
}
