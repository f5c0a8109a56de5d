package dev.sidecarinjector.proxy.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.proxy.cli.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden rule files: {@code init --dry-run} output per scenario (the iptables-restore input, then the
 * ip6tables-restore input), one file each under src/test/resources/rules. Run with {@code -Dgolden.update=true}
 * to rewrite them, then read the diff.
 */
class InterceptionRulesTest {
    private static final Path GOLDEN = Path.of("src/test/resources/rules");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            default                     |
            include-inbound-ports       | --include-inbound-ports 8080,9090
            include-inbound-ports-none  | --include-inbound-ports=
            exclude-inbound-ports       | --exclude-inbound-ports 22,8081
            exclude-outbound-ports      | --exclude-outbound-ports=3306,5432
            include-outbound-cidrs      | --include-outbound-cidrs 10.96.0.0/12,10.244.0.0/16
            include-outbound-cidrs-none | --include-outbound-cidrs=
            exclude-outbound-cidrs      | --exclude-outbound-cidrs 169.254.169.254,10.1.2.3/8
            custom-uid-and-ports        | --proxy-uid 2000 --proxy-gid=3000 --inbound-port 16006 --outbound-port 16001
            proxy-own-ports             | --status-port 25020 --metrics-port 25090 --health-port=25021
            ipv6-exclude-outbound-cidrs | --exclude-outbound-cidrs fd00:10:96::/112,2001:DB8::1
            ipv6-include-outbound-cidrs | --include-outbound-cidrs fd00:10:96::/112,fd00:10:244::/56
            mixed-outbound-cidrs        | --include-outbound-cidrs 10.96.0.0/12,fd00:10:96::/112 --exclude-outbound-cidrs 10.96.0.1,fd00:10:96::1,::ffff:10.96.0.2
            cleanup                     | --cleanup
            """)
    void dryRunPrintsTheGoldenRules(String scenario, String flags) throws Exception {
        String actual = dryRun(flags == null ? List.of() : Arrays.asList(flags.trim().split(" +")));
        Path golden = GOLDEN.resolve(scenario + ".rules");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, actual);
        }
        assertEquals(Files.readString(golden), actual, "golden " + golden + " (rewrite with -Dgolden.update=true)");
    }

    static String dryRun(List<String> flags) throws UsageException, IOException {
        var out = new ByteArrayOutputStream();
        var args = new java.util.ArrayList<>(flags);
        args.add("--dry-run");
        int exit = new InitCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err).run(args);
        assertEquals(0, exit);
        return out.toString(StandardCharsets.UTF_8);
    }
}
