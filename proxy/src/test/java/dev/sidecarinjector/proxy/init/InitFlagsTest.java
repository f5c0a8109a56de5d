package dev.sidecarinjector.proxy.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.cli.UsageException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad flag fails the init container with a message naming the flag and the value, never half-applied rules. */
class InitFlagsTest {
    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --exclude-outbound-ports 80x          | --exclude-outbound-ports: "80x" is not a port
            --exclude-outbound-ports=80,70000     | --exclude-outbound-ports: "80,70000" holds 70000, which is not a port (1-65535)
            --exclude-outbound-ports=80,,443      | --exclude-outbound-ports: "80,,443" holds an empty item, which is not a port
            --exclude-inbound-ports=80,           | --exclude-inbound-ports: "80," holds an empty item, which is not a port
            --exclude-inbound-ports=*             | --exclude-inbound-ports: "*" must list ports; "*" is not allowed here
            --include-inbound-ports 0             | --include-inbound-ports: "0" is not a port (1-65535)
            --exclude-inbound-ports -1            | --exclude-inbound-ports: "-1" is not a port
            --include-outbound-cidrs 10.0.0.0/33  | --include-outbound-cidrs: "10.0.0.0/33" has a prefix length over 32
            --exclude-outbound-cidrs=10.0.0.256/8 | --exclude-outbound-cidrs: "10.0.0.256/8" has an octet over 255
            --exclude-outbound-cidrs=010.0.0.0/8  | --exclude-outbound-cidrs: "010.0.0.0/8" has an octet with a leading zero (some tools read it as octal)
            --exclude-outbound-cidrs=10.0.0.0/8,  | --exclude-outbound-cidrs: "10.0.0.0/8," holds an empty item, which is not an IP address or CIDR
            --exclude-outbound-cidrs fd00::/129   | --exclude-outbound-cidrs: "fd00::/129" has a prefix length over 128
            --include-outbound-cidrs fe80::1%eth0 | --include-outbound-cidrs: "fe80::1%eth0" has a zone ("%eth0"), which a rule cannot match
            --exclude-outbound-cidrs=::1,fd00:::1 | --exclude-outbound-cidrs: "::1,fd00:::1" is not an IPv6 address or CIDR (in "fd00:::1")
            --outbound-port 0                     | --outbound-port: "0" is not a port (1-65535)
            --proxy-uid abc                       | --proxy-uid: "abc" is not a uid
            --status-port 0                       | --status-port: "0" is not a port (1-65535)
            --metrics-port 15090x                 | --metrics-port: "15090x" is not a port
            --inbound-port 15006x                 | --inbound-port: "15006x" is not a port
            --exclude-outbound-ports              | --exclude-outbound-ports: missing value
            --bogus 1                             | --bogus: unknown flag
            --dry-run=maybe                       | --dry-run: "maybe" is not true or false
            stray                                 | unexpected argument "stray"
            """)
    void badFlagIsNamedWithItsValue(String args, String message) {
        List<String> argv = Arrays.asList(args.split(" "));
        var error = assertThrows(UsageException.class, () -> new InitCommand(DISCARD, DISCARD).run(argv));
        assertEquals(message, error.getMessage());
    }

    @Test
    void equalsFormAndSpaceFormGiveTheSameRules() throws Exception {
        assertEquals(
                InterceptionRulesTest.dryRun(List.of("--exclude-outbound-ports", "53", "--proxy-uid", "7")),
                InterceptionRulesTest.dryRun(List.of("--exclude-outbound-ports=53", "--proxy-uid=7")));
    }

    /** The proxy moved to other ports: those are returned, and Istio's numbers are captured like any app port. */
    @Test
    void configuredOwnPortsAreNeverCapturedAndIstiosNumbersThenAre() throws Exception {
        String rules = InterceptionRulesTest.dryRun(List.of("--include-inbound-ports", "25021,15021,8080",
                "--status-port", "25020", "--metrics-port", "25090", "--health-port", "25021"));
        int ownPortReturn = rules.indexOf("--dport 25021 -j RETURN");
        int capture = rules.indexOf("--dport 25021 -j ISTIO_IN_REDIRECT");
        assertTrue(ownPortReturn >= 0 && ownPortReturn < capture, rules);
        assertTrue(rules.contains("--dport 25020 -j RETURN") && rules.contains("--dport 25090 -j RETURN"), rules);
        assertTrue(!rules.contains("--dport 15021 -j RETURN") && rules.contains("--dport 15021 -j ISTIO_IN_REDIRECT"), rules);
    }

    @Test
    void eachFamilyGetsOnlyItsOwnRanges() throws Exception {
        String rules = InterceptionRulesTest.dryRun(List.of("--include-outbound-cidrs", "10.96.0.0/12", "--exclude-outbound-cidrs", "fd00::/8"));
        int ipv6 = rules.indexOf("# ip6tables-restore --noflush\n");
        assertTrue(rules.startsWith("# iptables-restore --noflush\n") && ipv6 > 0, rules);
        String v4 = rules.substring(0, ipv6);
        String v6 = rules.substring(ipv6);
        assertTrue(v4.contains("-A ISTIO_OUTPUT -d 10.96.0.0/12 -j ISTIO_REDIRECT\n") && !v4.contains("fd00"), v4);
        assertTrue(v6.contains("-A ISTIO_OUTPUT -d fd00::/8 -j RETURN\n") && !v6.contains("10.96"), v6);
        // An include list with no IPv6 range captures no IPv6 destination, as Istio splits it.
        assertTrue(!v6.contains("-j ISTIO_REDIRECT") && v6.contains("-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001"), v6);
    }

    @Test
    void thePodsIpv6AddressesAreNeitherLoopbackNorLinkLocal() {
        var lines = List.of(
                "00000000000000000000000000000001 01 80 10 80       lo",
                "00000000000000000000000000000006 01 80 00 80       lo",
                "fe80000000000000a8d4c1fffe2b3c4d 02 40 20 80     eth0",
                "febf0000000000000000000000000001 02 40 20 80     eth0",
                "fd000252000100000000000000000002 02 40 00 80     eth0",
                "20010db8000000000000000000000007 03 40 00 80     net1");
        assertEquals(List.of("fd00:252:1::2 (eth0)", "2001:db8::7 (net1)"), PodIpv6.addresses(lines));
        assertEquals(List.of(), PodIpv6.addresses(lines.subList(0, 4)), "loopback, ::6 and link-local only: an IPv4-only pod");
    }

    @Test
    void aKernelWithoutIpv6HasNoPodIpv6() throws Exception {
        assertEquals(List.of(), PodIpv6.addresses(java.nio.file.Path.of("/nonexistent/if_inet6")));
    }

    @Test
    void includeOnlyPortsStillNeverCaptureTheProxysOwnPorts() throws Exception {
        String rules = InterceptionRulesTest.dryRun(List.of("--include-inbound-ports", "15021,8080"));
        int ownPortReturn = rules.indexOf("--dport 15021 -j RETURN");
        int capture = rules.indexOf("--dport 15021 -j ISTIO_IN_REDIRECT");
        assertTrue(ownPortReturn >= 0 && ownPortReturn < capture, rules);
    }
}
