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
            --exclude-outbound-ports=80,70000     | --exclude-outbound-ports: "70000" is not a port
            --include-inbound-ports 0             | --include-inbound-ports: "0" is not a port
            --exclude-inbound-ports -1            | --exclude-inbound-ports: "-1" is not a port
            --include-outbound-cidrs 10.0.0.0/33  | --include-outbound-cidrs: "10.0.0.0/33" is not an IPv4 CIDR
            --exclude-outbound-cidrs=10.0.0.256/8 | --exclude-outbound-cidrs: "10.0.0.256/8" is not an IPv4 CIDR
            --exclude-outbound-cidrs fd00::/8     | --exclude-outbound-cidrs: "fd00::/8" is not an IPv4 CIDR
            --proxy-uid abc                       | --proxy-uid: "abc" is not a uid
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

    @Test
    void includeOnlyPortsStillNeverCaptureTheProxysOwnPorts() throws Exception {
        String rules = InterceptionRulesTest.dryRun(List.of("--include-inbound-ports", "15021,8080"));
        int ownPortReturn = rules.indexOf("--dport 15021 -j RETURN");
        int capture = rules.indexOf("--dport 15021 -j ISTIO_IN_REDIRECT");
        assertTrue(ownPortReturn >= 0 && ownPortReturn < capture, rules);
    }
}
