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
            --exclude-outbound-cidrs=10.0.0.0/8,  | --exclude-outbound-cidrs: "10.0.0.0/8," holds an empty item, which is not an IPv4 address or CIDR
            --exclude-outbound-cidrs fd00::/8     | --exclude-outbound-cidrs: "fd00::/8" is not an IPv4 address or CIDR
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
    void includeOnlyPortsStillNeverCaptureTheProxysOwnPorts() throws Exception {
        String rules = InterceptionRulesTest.dryRun(List.of("--include-inbound-ports", "15021,8080"));
        int ownPortReturn = rules.indexOf("--dport 15021 -j RETURN");
        int capture = rules.indexOf("--dport 15021 -j ISTIO_IN_REDIRECT");
        assertTrue(ownPortReturn >= 0 && ownPortReturn < capture, rules);
    }
}
