package dev.sidecarinjector.proxy.e2e;

import static dev.sidecarinjector.proxy.e2e.NetnsLab.DS_EXCLUDED_IP6;
import static dev.sidecarinjector.proxy.e2e.NetnsLab.DS_EXCLUDED_RANGE6;
import static dev.sidecarinjector.proxy.e2e.NetnsLab.DS_POD_IP;
import static dev.sidecarinjector.proxy.e2e.NetnsLab.DS_POD_IP6;
import static dev.sidecarinjector.proxy.e2e.NetnsLab.DS_REMOTE_IP;
import static dev.sidecarinjector.proxy.e2e.NetnsLab.DS_REMOTE_IP6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.e2e.NetnsLab.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Dual-stack interception with real parts: a pod and a remote, each with an IPv4 and an IPv6 address, routed through a
 * node namespace; the real {@code init} writes iptables and ip6tables rules, the real proxy runs as uid 1337. IPv6
 * traffic is captured both ways and relayed in its own family, an excluded IPv6 range bypasses the proxy, IPv4 in
 * the same pod is unchanged. (The IPv4-only pod is {@link InterceptionE2E}.) Needs root, as InterceptionE2E.
 */
@TestMethodOrder(OrderAnnotation.class)
class DualStackInterceptionE2E {
    static final int APP_UID = 1000;
    static final int PROXY_UID = 1337;
    static final List<String> INIT_FLAGS = List.of("--exclude-outbound-cidrs", DS_EXCLUDED_RANGE6);

    static NetnsLab lab;
    static StagedProxy staged;
    static LabActions actions;
    static String initOutput;

    @BeforeAll
    static void startDualStackPodWithProxy() throws Exception {
        LabActions.requireRootAndNetns();
        staged = StagedProxy.stage();
        lab = NetnsLab.createDualStack();
        actions = new LabActions(lab, staged);
        actions.serve(lab.remote, 0, DS_REMOTE_IP6, 9000);
        actions.serve(lab.remote, 0, DS_EXCLUDED_IP6, 9000);
        actions.serve(lab.remote, 0, DS_REMOTE_IP, 9000);
        actions.serve(lab.pod, APP_UID, DS_POD_IP6, 8080);
        actions.serve(lab.pod, APP_UID, DS_POD_IP, 8080);
        initOutput = actions.init(INIT_FLAGS);
        lab.start(lab.pod, staged.proxyLog, staged.proxyCommand(PROXY_UID, "run", "--drain-seconds", "0").toArray(String[]::new));
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
    void initWritesBothFamiliesOnceAndAddsThePassthroughSource() throws Exception {
        assertTrue(initOutput.contains("init: IPv4 interception rules applied") && initOutput.contains("init: IPv6 interception rules applied"),
                initOutput);
        List<String> v6 = actions.natRules("ip6tables-save");
        assertTrue(v6.contains("-A ISTIO_OUTPUT -s ::6/128 -o lo -j RETURN"), String.join("\n", v6));
        assertTrue(v6.contains("-A ISTIO_OUTPUT -d " + DS_EXCLUDED_RANGE6 + " -j RETURN"), String.join("\n", v6));
        assertTrue(v6.contains("-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001"), String.join("\n", v6));
        assertFalse(actions.natRules("iptables-save").stream().anyMatch(line -> line.contains("fd00")), "IPv6 ranges stay out of iptables");
        assertTrue(lab.exec(lab.pod, "ip", "-6", "addr", "show", "dev", "lo").contains("inet6 ::6/128"));

        actions.init(INIT_FLAGS);
        assertEquals(v6, actions.natRules("ip6tables-save"), "a second init leaves one copy");
        assertEquals(1, v6.stream().filter(line -> line.equals("-A OUTPUT -p tcp -j ISTIO_OUTPUT")).count());
        assertTrue(Files.readString(staged.proxyLog).contains("outbound :15001 (IPv4 and IPv6)"), Files.readString(staged.proxyLog));
    }

    @Test
    @Order(2)
    void outboundToAnIpv6DestinationIsRelayedByTheProxyOverIpv6() throws Exception {
        ProxyCounters before = actions.counters();
        String reply = actions.client(lab.pod, APP_UID, "up", DS_REMOTE_IP6, "9000", "100000");

        assertEquals(DS_POD_IP6, reply.split(" ")[0], "the remote sees the pod's IPv6 address: the proxy went on over IPv6");
        ProxyCounters after = actions.counters();
        assertEquals(before.outboundOpened() + 1, after.outboundOpened());
        assertTrue(after.outboundReceived() - before.outboundReceived() >= 100_000, before + " " + after);
    }

    @Test
    @Order(3)
    void anExcludedIpv6RangeAndTheProxysOwnIpv6TrafficBypassTheProxy() throws Exception {
        ProxyCounters before = actions.counters();
        assertEquals(DS_POD_IP6, actions.client(lab.pod, APP_UID, "up", DS_EXCLUDED_IP6, "9000", "10").split(" ")[0]);
        actions.client(lab.pod, PROXY_UID, "up", DS_REMOTE_IP6, "9000", "10");

        assertEquals(before, actions.counters(), "no connection went through the proxy");
    }

    @Test
    @Order(4)
    void inboundOverIpv6IsCapturedAndTheAppSeesTheIpv6PassthroughSource() throws Exception {
        ProxyCounters before = actions.counters();
        String reply = actions.client(lab.remote, 0, "up", DS_POD_IP6, "8080", "1000");

        assertEquals("::6", reply.split(" ")[0], "the app bound to the pod's IPv6 address sees the proxy's ::6");
        assertEquals(before.inboundOpened() + 1, actions.counters().inboundOpened());
    }

    @Test
    @Order(5)
    void ipv4InTheSamePodStillGoesThroughTheProxy() throws Exception {
        ProxyCounters before = actions.counters();
        assertEquals(DS_POD_IP, actions.client(lab.pod, APP_UID, "up", DS_REMOTE_IP, "9000", "1000").split(" ")[0]);
        assertEquals("127.0.0.6", actions.client(lab.remote, 0, "up", DS_POD_IP, "8080", "1000").split(" ")[0]);

        ProxyCounters after = actions.counters();
        assertEquals(before.outboundOpened() + 1, after.outboundOpened());
        assertEquals(before.inboundOpened() + 1, after.inboundOpened());
    }

    /** kubelet probes a pod at its own address: the health and status ports answer at the IPv6 one too, uncaptured. */
    @Test
    @Order(6)
    void healthAndStatusAnswerAtThePodsIpv6Address() throws Exception {
        ProxyCounters before = actions.counters();
        for (int port : new int[] {15021, 15020}) {
            assertEquals("ready", actions.client(lab.remote, 0, "get", "http://[" + DS_POD_IP6 + "]:" + port + "/healthz/ready"));
        }
        assertEquals(before, actions.counters(), "the proxy's own ports are not captured");
    }

    /** ::1 is never captured, so this reaches the IPv6 listener unredirected: no original destination, refused. */
    @Test
    @Order(7)
    void dialingTheProxysIpv6ListenerDirectlyIsRefused() throws Exception {
        ProxyCounters before = actions.counters();
        Result direct = lab.tryExec(lab.pod, staged.toolCommand(APP_UID, "up", "::1", "15001", "10").toArray(String[]::new));

        assertNotEquals(0, direct.exit(), direct.output());
        assertEquals(before.outboundRefused() + 1, actions.counters().outboundRefused());
    }

    /** A pod with IPv6 whose ip6tables cannot run: init fails rather than leave the pod's IPv6 traffic uncaptured. */
    @Test
    @Order(8)
    void withoutIp6tablesAPodWithIpv6FailsToInitialise() throws Exception {
        Path bin = Files.createDirectory(staged.dir.resolve("bin-without-ip6tables"));
        for (String tool : List.of("bash", "dirname", "iptables", "iptables-save", "iptables-restore", "ip")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(lab.exec(lab.pod, "sh", "-c", "command -v " + tool).strip()));
        }
        Result result = lab.tryExec(lab.pod, "env", "PATH=" + bin, "JAVA_HOME=" + System.getProperty("java.home"),
                staged.launcher.toString(), "init", "--exclude-outbound-cidrs", DS_EXCLUDED_RANGE6);

        assertEquals(1, result.exit(), result.output());
        assertTrue(result.output().contains("init: the pod has IPv6 (" + DS_POD_IP6 + " (eth0)) and its IPv6 traffic cannot be captured: "),
                result.output());
        assertTrue(result.output().contains("ip6tables-save"), result.output());
    }

    @Test
    @Order(9)
    void cleanupRemovesBothFamiliesAndIpv6FlowsDirectly() throws Exception {
        String output = lab.exec(lab.pod, staged.proxyCommand(0, "init", "--cleanup").toArray(String[]::new));

        assertTrue(output.contains("init: IPv6 interception rules removed"), output);
        assertEquals(List.of(), actions.natRules("ip6tables-save").stream().filter(line -> line.contains("ISTIO")).toList());
        assertEquals(List.of(), actions.natRules("iptables-save").stream().filter(line -> line.contains("ISTIO")).toList());
        ProxyCounters before = actions.counters();
        assertEquals(DS_POD_IP6, actions.client(lab.pod, APP_UID, "up", DS_REMOTE_IP6, "9000", "10").split(" ")[0]);
        assertEquals(before, actions.counters());
    }
}
