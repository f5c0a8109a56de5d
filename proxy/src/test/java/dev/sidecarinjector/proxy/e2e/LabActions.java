package dev.sidecarinjector.proxy.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the interception e2e tests do in a lab with the staged proxy: start test servers, run clients and {@code init},
 * read the nat rules of either family and the proxy's counters.
 */
record LabActions(NetnsLab lab, StagedProxy staged) {

    /** Root, {@code ip netns} and the tools of both families; outside CI a machine without them skips, in CI it fails. */
    static void requireRootAndNetns() throws Exception {
        String problem = null;
        if (!NetnsLab.isRoot()) {
            problem = "not root";
        } else if (NetnsLab.run("ip", "netns", "list").exit() != 0 || NetnsLab.run("iptables-restore", "--version").exit() != 0
                || NetnsLab.run("ip6tables-restore", "--version").exit() != 0) {
            problem = "ip netns, iptables-restore or ip6tables-restore unavailable";
        }
        if (problem != null) {
            String message = "network-namespace e2e needs root, iproute2 and iptables: " + problem;
            if ("true".equals(System.getenv("CI"))) {
                fail(message + " (CI=true: not skipping)");
            }
            Assumptions.abort(message + " (skipped outside CI)");
        }
    }

    /** Starts tcptool's server on {@code ip:port} (IPv4 or IPv6) as {@code uid} and waits until it listens. */
    void serve(String ns, int uid, String ip, int port) throws Exception {
        Path log = staged.dir.resolve("server-%s-%d.log".formatted(ip.replace(':', '_'), port));
        lab.start(ns, log, staged.toolCommand(uid, "serve", ip, Integer.toString(port)).toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(log) && Files.readString(log).contains("ready"))) {
            if (System.nanoTime() > deadline) {
                fail("server " + ip + ":" + port + " did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    String client(String ns, int uid, String... args) throws Exception {
        return lab.exec(ns, staged.toolCommand(uid, args).toArray(String[]::new)).strip();
    }

    /** Runs {@code sidecar-proxy init} as root in the pod; returns what it printed. */
    String init(List<String> flags) throws Exception {
        var args = new ArrayList<>(List.of("init"));
        args.addAll(flags);
        return lab.exec(lab.pod, staged.proxyCommand(0, args.toArray(String[]::new)).toArray(String[]::new));
    }

    /** The pod's nat rules as {@code iptables-save} or {@code ip6tables-save} prints them. */
    List<String> natRules(String save) throws Exception {
        return lab.exec(lab.pod, save, "-t", "nat").lines().filter(line -> line.startsWith("-A")).toList();
    }

    ProxyCounters counters() throws Exception {
        return ProxyCounters.parse(client(lab.pod, 0, "get", "http://127.0.0.1:15090/stats/prometheus"));
    }
}
