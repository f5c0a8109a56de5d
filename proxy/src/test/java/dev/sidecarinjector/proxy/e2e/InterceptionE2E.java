package dev.sidecarinjector.proxy.e2e;

import static dev.sidecarinjector.proxy.e2e.NetnsLab.OTHER_REMOTE_IP;
import static dev.sidecarinjector.proxy.e2e.NetnsLab.POD_IP;
import static dev.sidecarinjector.proxy.e2e.NetnsLab.REMOTE_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.ReliabilityLog;
import dev.sidecarinjector.proxy.e2e.NetnsLab.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real init and the real proxy (as uid 1337) in a pod network namespace, with real clients and
 * servers: proves that traffic is intercepted, relayed intact, and that exclusions bypass the proxy.
 * Needs root; outside CI it is skipped with a message, in CI (CI=true) it fails instead.
 */
@TestMethodOrder(OrderAnnotation.class)
class InterceptionE2E {
    static final int APP_UID = 1000;
    static final int PROXY_UID = 1337;
    static final List<String> INIT_FLAGS = List.of("--exclude-inbound-ports", "8081",
            "--exclude-outbound-ports=9001", "--exclude-outbound-cidrs", "10.251.8.0/24");

    static NetnsLab lab;
    static StagedProxy staged;
    static Process proxy;
    static LabActions actions;
    static String initOutput;

    @BeforeAll
    static void startPodWithProxy() throws Exception {
        LabActions.requireRootAndNetns();
        staged = StagedProxy.stage();
        lab = NetnsLab.create();
        actions = new LabActions(lab, staged);
        serve(lab.remote, 0, REMOTE_IP, 9000);
        serve(lab.remote, 0, REMOTE_IP, 9001);
        serve(lab.remote, 0, OTHER_REMOTE_IP, 9000);
        serve(lab.pod, APP_UID, POD_IP, 8080);
        serve(lab.pod, APP_UID, POD_IP, 8081);
        initOutput = actions.init(INIT_FLAGS);
        proxy = lab.start(lab.pod, staged.proxyLog, staged.proxyCommand(PROXY_UID, "run", "--drain-seconds", "3")
                .toArray(String[]::new));
        lab.exec(lab.pod, staged.proxyCommand(0, "wait", "--timeout-seconds", "30").toArray(String[]::new));
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (lab != null) {
            lab.close();
        }
        if (staged != null) {
            staged.printLogAndClose();
        }
    }

    @Test
    @Order(1)
    void runningInitTwiceLeavesOneCopyOfTheRules() throws Exception {
        List<String> first = natRules();
        init(INIT_FLAGS);
        List<String> second = natRules();

        assertEquals(first, second);
        assertEquals(1, second.stream().filter(l -> l.equals("-A PREROUTING -p tcp -j ISTIO_INBOUND")).count());
        assertEquals(1, second.stream().filter(l -> l.equals("-A OUTPUT -p tcp -j ISTIO_OUTPUT")).count());
        assertTrue(second.stream().anyMatch(l -> l.contains("--to-ports 15001")), String.join("\n", second));
    }

    /** An IPv4-only pod (IPv6 on in the kernel, no IPv6 address): IPv4 rules only, and the proxy relays as before. */
    @Test
    @Order(1)
    void aPodWithoutIpv6GetsNoIpv6Rules() throws Exception {
        assertTrue(initOutput.contains("init: no IPv6 address in the pod's network namespace: IPv4 rules only"), initOutput);
        assertEquals(List.of(), actions.natRules("ip6tables-save"));
        assertFalse(lab.exec(lab.pod, "ip", "-6", "addr", "show", "dev", "lo").contains("::6/128"));
    }

    @Test
    @Order(2)
    void inboundTrafficPassesThroughTheProxyAndTheAppSeesThePassthroughSource() throws Exception {
        ProxyCounters before = counters();
        String reply = client(lab.remote, 0, "up", POD_IP, "8080", "1000");

        assertEquals("127.0.0.6", reply.split(" ")[0], "the app bound to the pod IP sees the proxy's source");
        assertEquals(before.inboundOpened() + 1, counters().inboundOpened());
    }

    @Test
    @Order(3)
    void outboundTrafficOfAnAppUidReachesTheRemoteThroughTheProxy() throws Exception {
        ProxyCounters before = counters();
        String reply = client(lab.pod, APP_UID, "up", REMOTE_IP, "9000", "1000");

        assertEquals(POD_IP, reply.split(" ")[0]);
        assertEquals(before.outboundOpened() + 1, counters().outboundOpened());
    }

    @Test
    @Order(4)
    void excludedPortsAndCidrsBypassTheProxy() throws Exception {
        ProxyCounters before = counters();
        assertEquals(REMOTE_IP, client(lab.remote, 0, "up", POD_IP, "8081", "10").split(" ")[0],
                "an excluded inbound port is reached directly");
        client(lab.pod, APP_UID, "up", REMOTE_IP, "9001", "10");
        client(lab.pod, APP_UID, "up", OTHER_REMOTE_IP, "9000", "10");

        assertEquals(before, counters(), "no connection went through the proxy");
    }

    @Test
    @Order(5)
    void theProxysOwnTrafficIsNotLoopedAndDialingItDirectlyIsRefused() throws Exception {
        ProxyCounters before = counters();
        client(lab.pod, PROXY_UID, "up", REMOTE_IP, "9000", "10");
        assertEquals(before, counters(), "uid 1337 goes straight out");

        Result direct = lab.tryExec(lab.pod, staged.toolCommand(APP_UID, "up", "127.0.0.1", "15001", "10")
                .toArray(String[]::new));
        assertNotEquals(0, direct.exit(), "a connection to the proxy's own listener gets no answer");
        assertEquals(before.outboundRefused() + 1, counters().outboundRefused());
        assertTrue(Files.readString(staged.proxyLog).contains("refused outbound connection"));
    }

    @Test
    @Order(6)
    void hundredMegabytesArriveIntactBothWays() throws Exception {
        String hundredMb = Integer.toString(100 << 20);
        ProxyCounters before = counters();
        client(lab.pod, APP_UID, "up", REMOTE_IP, "9000", hundredMb);
        client(lab.pod, APP_UID, "down", REMOTE_IP, "9000", hundredMb);
        client(lab.remote, 0, "down", POD_IP, "8080", hundredMb);

        ProxyCounters after = counters();
        assertTrue(after.outboundReceived() - before.outboundReceived() >= 100 << 20);
        assertTrue(after.outboundSent() - before.outboundSent() >= 100 << 20);
        assertTrue(after.inboundSent() - before.inboundSent() >= 100 << 20);
    }

    /** The server answers only after it read the client's FIN, so the reply proves the FIN went through alone. */
    @Test
    @Order(7)
    void halfCloseIsPropagatedBothWays() throws Exception {
        assertEquals(POD_IP + " 5", String.join(" ",
                List.of(client(lab.pod, APP_UID, "up", REMOTE_IP, "9000", "5").split(" ")).subList(0, 2)));
        assertEquals("127.0.0.6 5", String.join(" ",
                List.of(client(lab.remote, 0, "up", POD_IP, "8080", "5").split(" ")).subList(0, 2)));
    }

    /**
     * 100,000 connections (four clients in parallel): every one is relayed, and afterwards the proxy
     * holds no more file descriptors than before and its RSS has stopped growing (measured after the
     * first 20,000, when the heap, pools and code cache have reached their working size).
     */
    @Test
    @Order(8)
    void hundredThousandConnectionsLeaveFileDescriptorsAndMemoryWhereTheyWere() throws Exception {
        long fdsBefore = openFds();
        ProxyCounters before = counters();
        connectMany(20_000);
        settle(fdsBefore);
        long rssWarm = rssKb();

        connectMany(80_000);
        settle(fdsBefore);
        long rssAfter = rssKb();

        assertEquals(before.outboundOpened() + 100_000, counters().outboundOpened());
        assertEquals(0, counters().active());
        assertTrue(openFds() <= fdsBefore, "fds before " + fdsBefore + ", after " + openFds());
        assertTrue(rssAfter <= rssWarm + 4096, "RSS after 20,000 connections " + rssWarm / 1024 + " MB, after 100,000 "
                + rssAfter / 1024 + " MB");
        ReliabilityLog.record("InterceptionE2E.hundredThousandConnectionsLeaveFileDescriptorsAndMemoryWhereTheyWere",
                "100,000 intercepted outbound connections (four clients) through the proxy in a pod netns",
                "all relayed; the proxy's file descriptors back where they were; RSS flat (at most +4 MB) after the first 20,000",
                "connections", 100_000, "fds before", fdsBefore, "fds after", openFds(), "RSS after 20,000, KB", rssWarm,
                "RSS after 100,000, KB", rssAfter);
    }

    private static void connectMany(int total) throws Exception {
        int clients = 4;
        var processes = new java.util.ArrayList<Process>();
        var logs = new java.util.ArrayList<Path>();
        for (int i = 0; i < clients; i++) {
            Path log = staged.dir.resolve("many-%d-%d.log".formatted(total, i));
            logs.add(log);
            processes.add(lab.start(lab.pod, log, staged.toolCommand(APP_UID, "many", REMOTE_IP, "9000",
                    Integer.toString(total / clients)).toArray(String[]::new)));
        }
        for (int i = 0; i < clients; i++) {
            assertTrue(processes.get(i).waitFor(120, TimeUnit.SECONDS), "client " + i + " finished");
            assertEquals("ok " + total / clients, Files.readString(logs.get(i)).strip());
        }
    }

    /** Closing is asynchronous: give the proxy a moment to close what the clients closed. */
    private static void settle(long fdsBefore) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((openFds() > fdsBefore || counters().active() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static long rssKb() throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(proxy.pid()), "status")).stream()
                .filter(line -> line.startsWith("VmRSS:")).mapToLong(line -> Long.parseLong(line.split("\\s+")[1]))
                .findFirst().orElseThrow();
    }

    /**
     * SIGTERM while keep-alive connections have requests in flight and new connections keep coming (as they
     * do until every node has removed the endpoint): every request sent before the stop is answered, and
     * during the drain period (3 s; the clients stop 1 s after the signal) new connections are accepted and
     * served, none refused or reset; then the listeners close and the proxy exits 0.
     */
    @Test
    @Order(9)
    void sigtermUnderLoadLosesNoRequestAndServesNewConnectionsDuringTheDrain() throws Exception {
        Path marker = staged.dir.resolve("stopping");
        Path log = staged.dir.resolve("drain-client.log");
        Process load = lab.start(lab.pod, log, staged.toolCommand(APP_UID, "drain", REMOTE_IP, "9000", "20",
                marker.toString()).toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(Files.exists(log) && Files.readString(log).contains("running"))) {
            assertTrue(load.isAlive() && System.nanoTime() < deadline, "load did not start: " + Files.readString(log));
            Thread.sleep(20);
        }
        Thread.sleep(300); // requests in flight on every connection, new connections coming

        proxy.destroy(); // SIGTERM: drain, then exit 0
        Files.createFile(marker); // keep-alive clients send nothing more; new connections go on for 1 s
        assertTrue(load.waitFor(20, TimeUnit.SECONDS), "load finished");
        assertTrue(proxy.waitFor(15, TimeUnit.SECONDS), "proxy exits after draining");
        assertEquals(0, proxy.exitValue());

        String[] counts = Files.readString(log).lines().filter(l -> l.startsWith("ok ")).findFirst()
                .orElseThrow(() -> new AssertionError("no counts: " + readLog(log))).split(" ");
        String all = String.join(" ", counts);
        assertEquals("0", counts[3], "requests sent and never answered (lost or reset): " + all);
        assertEquals("0", counts[5], "connections refused during the drain period: " + all);
        assertTrue(Integer.parseInt(counts[1]) >= 20, "the load ran: " + all);
        assertTrue(Integer.parseInt(counts[7]) > 0, "new connections after the stop are served: " + all);
        var drained = java.util.regex.Pattern.compile("drained after (\\d+) ms: listeners closed, (\\d+) connections accepted while draining")
                .matcher(Files.readString(staged.proxyLog));
        assertTrue(drained.find(), "the proxy logs the end of the drain: " + Files.readString(staged.proxyLog));
        // The client counts from the marker, written just after the signal; the proxy from when its drain thread
        // starts, a few ms later under load: the two counts cannot be compared one for one.
        assertTrue(Integer.parseInt(drained.group(2)) > 0, "the proxy accepted connections while draining: " + drained.group() + "; client: " + all);
        ReliabilityLog.record("InterceptionE2E.sigtermUnderLoadLosesNoRequestAndServesNewConnectionsDuringTheDrain",
                "SIGTERM to the proxy (drain 3 s) with 20 keep-alive connections in flight and a new connection every 20 ms "
                        + "for 1 s after the signal",
                "every request sent before the stop answered; every new connection during the drain accepted and served, "
                        + "none refused or reset; the listeners close at the end of the period; exit 0",
                "requests answered", Integer.parseInt(counts[1]), "lost or reset", Integer.parseInt(counts[3]),
                "refused", Integer.parseInt(counts[5]), "new connections served after the stop", Integer.parseInt(counts[7]),
                "accepted while draining (proxy)", Integer.parseInt(drained.group(2)),
                "drain ms (proxy)", Integer.parseInt(drained.group(1)));
    }

    @Test
    @Order(10)
    void withTheProxyStoppedInterceptedTrafficFails() throws Exception {
        assertTrue(proxy.waitFor(15, TimeUnit.SECONDS), "proxy stopped by the test before");

        Result result = lab.tryExec(lab.pod, staged.toolCommand(APP_UID, "up", REMOTE_IP, "9000", "10").toArray(String[]::new));
        assertNotEquals(0, result.exit(), "traffic redirected to a stopped proxy must fail: " + result.output());
        assertTrue(result.output().contains("ConnectionRefused"), result.output());
    }

    @Test
    @Order(11)
    void cleanupRemovesTheRulesAndTrafficFlowsDirectly() throws Exception {
        lab.exec(lab.pod, staged.proxyCommand(0, "init", "--cleanup").toArray(String[]::new));

        assertFalse(natRules().stream().anyMatch(line -> line.contains("ISTIO")), String.join("\n", natRules()));
        assertEquals(POD_IP, client(lab.pod, APP_UID, "up", REMOTE_IP, "9000", "10").split(" ")[0]);
    }

    private static void init(List<String> flags) throws Exception {
        actions.init(flags);
    }

    private static void serve(String ns, int uid, String ip, int port) throws Exception {
        actions.serve(ns, uid, ip, port);
    }

    private static String client(String ns, int uid, String... args) throws Exception {
        return actions.client(ns, uid, args);
    }

    private static List<String> natRules() throws Exception {
        return actions.natRules("iptables-save");
    }

    private static ProxyCounters counters() throws Exception {
        return actions.counters();
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(proxy.pid()), "fd"))) {
            return fds.count();
        }
    }
}
