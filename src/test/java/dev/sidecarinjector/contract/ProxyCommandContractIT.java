package dev.sidecarinjector.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sidecarinjector.api.net.CidrList;
import dev.sidecarinjector.api.net.MeshPorts;
import dev.sidecarinjector.api.net.PortList;
import dev.sidecarinjector.inject.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The webhook's templates and the proxy's commands agree: every distinct command line the golden pods carry
 * (init, run and the postStart wait) is accepted by the real proxy jar. The proxy rejects unknown flags, so
 * a renamed flag on either side fails here, not in a user's pod. For {@code init}, the rules the proxy prints
 * capture exactly the ports and ranges the webhook meant: both parse with mesh-api's lists, and this proves they
 * still read the rendered text the same way.
 */
class ProxyCommandContractIT {

    private static final Path JAR = Path.of("proxy/target/sidecar-proxy.jar");
    private static final Pattern INBOUND_RETURN = Pattern.compile("(?m)^-A ISTIO_INBOUND -p tcp --dport (\\d+) -j RETURN$");
    private static final Pattern INBOUND_CAPTURE = Pattern.compile("(?m)^-A ISTIO_INBOUND -p tcp --dport (\\d+) -j ISTIO_IN_REDIRECT$");
    private static final Pattern OUTBOUND_PORT_RETURN = Pattern.compile("(?m)^-A ISTIO_OUTPUT -p tcp --dport (\\d+) -j RETURN$");
    private static final Pattern OUTBOUND_RANGE_RETURN = Pattern.compile("(?m)^-A ISTIO_OUTPUT -d (\\S+) -j RETURN$");
    private static final String IPV4_SECTION = "# iptables-restore --noflush\n";
    private static final String IPV6_SECTION = "# ip6tables-restore --noflush\n";
    private static final Pattern OUTBOUND_RANGE_CAPTURE = Pattern.compile("(?m)^-A ISTIO_OUTPUT -d (\\S+) -j ISTIO_REDIRECT$");

    @TestFactory
    Stream<DynamicTest> renderedCommandsAreAcceptedByTheProxy() throws IOException {
        if (!Files.exists(JAR)) {
            var message = JAR + " is missing: `make test` builds the proxy before the webhook's tests";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            assumeTrue(false, message);
        }
        var commands = new LinkedHashSet<List<String>>();
        for (var dir : Golden.scenarios(Path.of("src/test/resources/golden/webhook"))) {
            var pod = Golden.YAML.readTree(dir.resolve("expected.yaml").toFile()).path("pod");
            for (var list : List.of("initContainers", "containers")) {
                for (var container : pod.path("spec").path(list)) {
                    collect(container, commands);
                }
            }
        }
        assertTrue(commands.stream().anyMatch(c -> c.getFirst().equals("init")) && commands.stream().anyMatch(c -> c.getFirst().equals("run"))
                && commands.stream().anyMatch(c -> c.getFirst().equals("wait")), "goldens cover init, run and wait: " + commands);
        return commands.stream().map(command -> DynamicTest.dynamicTest(String.join(" ", command), () -> accepted(command)));
    }

    private static void collect(JsonNode container, Set<List<String>> commands) {
        var name = container.path("name").asText();
        if (!name.equals("sidecar-init") && !name.equals("sidecar-proxy")) {
            return;
        }
        commands.add(strings(container.path("args")));
        var hook = container.at("/lifecycle/postStart/exec/command");
        if (!hook.isMissingNode()) {
            var command = strings(hook);
            assertEquals("sidecar-proxy", command.getFirst(), "the postStart hook runs the image's launcher");
            commands.add(command.subList(1, command.size()));
        }
    }

    private static List<String> strings(JsonNode array) {
        var values = new ArrayList<String>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static void accepted(List<String> command) throws Exception {
        var line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        line.addAll(command);
        switch (command.getFirst()) {
            case "init", "run" -> line.add("--dry-run");
            // wait has no dry run: nothing listens on a free port, so a zero timeout answers at once.
            case "wait" -> line.addAll(List.of("--timeout-seconds", "0"));
            default -> throw new AssertionError("unexpected proxy command " + command);
        }
        var process = new ProcessBuilder(line).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var exit = process.waitFor();
        // Exit 2 is the proxy's answer to a flag or value it does not take; wait may time out (1), never 2.
        var expected = command.getFirst().equals("wait") ? Set.of(0, 1) : Set.of(0);
        assertTrue(expected.contains(exit), "exit " + exit + " for " + command + ":\n" + output);
        if (command.getFirst().equals("init")) {
            capturesWhatTheWebhookMeant(command, output);
        }
    }

    /**
     * The lists in the proxy's rules are the webhook's lists of the same flags, item for item and in order: the dry run
     * prints the iptables input, then the ip6tables input, each with its family's ranges.
     */
    private static void capturesWhatTheWebhookMeant(List<String> command, String output) {
        var flags = new HashMap<String, String>();
        for (var i = 1; i + 1 < command.size(); i += 2) {
            assertTrue(command.get(i).startsWith("--"), "init takes --flag value pairs: " + command);
            flags.put(command.get(i), command.get(i + 1));
        }
        var includeInbound = PortList.parse("f", flags.getOrDefault("--include-inbound-ports", "*"), true);
        var excludeInbound = PortList.parse("f", flags.getOrDefault("--exclude-inbound-ports", ""), false);
        var excludeOutbound = PortList.parse("f", flags.getOrDefault("--exclude-outbound-ports", ""), false);
        var includeRanges = CidrList.parse("f", flags.getOrDefault("--include-outbound-cidrs", "*"), true);
        var excludeRanges = CidrList.parse("f", flags.getOrDefault("--exclude-outbound-cidrs", ""), false);
        var inboundReturns = new ArrayList<String>();
        if (includeInbound.all() || !includeInbound.ports().isEmpty()) {
            // The proxy's own ports are never captured: the status port (the app's rewritten probes), metrics, health.
            inboundReturns.addAll(List.of(flags.getOrDefault("--status-port", Integer.toString(MeshPorts.STATUS)),
                    flags.getOrDefault("--metrics-port", Integer.toString(MeshPorts.METRICS)),
                    flags.getOrDefault("--health-port", Integer.toString(MeshPorts.HEALTH))));
            excludeInbound.ports().forEach(port -> inboundReturns.add(port.toString()));
        }
        var ipv6Start = output.indexOf(IPV6_SECTION);
        assertTrue(output.startsWith(IPV4_SECTION) && ipv6Start > 0, "init --dry-run prints both families:\n" + output);
        for (var ipv6 : List.of(false, true)) {
            var rules = ipv6 ? output.substring(ipv6Start) : output.substring(0, ipv6Start);
            var rangeReturns = new ArrayList<>(List.of(ipv6 ? "::1/128" : "127.0.0.1/32"));
            excludeRanges.cidrs().stream().filter(cidr -> cidr.ipv6() == ipv6).forEach(cidr -> rangeReturns.add(cidr.toString()));
            var expected = Map.of(
                    "inbound returns", inboundReturns,
                    "inbound captures", includeInbound.ports().stream().map(String::valueOf).toList(),
                    "outbound port returns", excludeOutbound.ports().stream().map(String::valueOf).toList(),
                    "outbound range returns", rangeReturns,
                    "outbound range captures", includeRanges.cidrs().stream().filter(cidr -> cidr.ipv6() == ipv6).map(String::valueOf).toList());
            var actual = Map.of(
                    "inbound returns", all(INBOUND_RETURN, rules),
                    "inbound captures", all(INBOUND_CAPTURE, rules),
                    "outbound port returns", all(OUTBOUND_PORT_RETURN, rules),
                    "outbound range returns", all(OUTBOUND_RANGE_RETURN, rules),
                    "outbound range captures", all(OUTBOUND_RANGE_CAPTURE, rules));
            assertEquals(expected, actual, "the " + (ipv6 ? "IPv6" : "IPv4") + " rules of " + command + ":\n" + rules);
        }
    }

    private static List<String> all(Pattern pattern, String text) {
        return pattern.matcher(text).results().map(match -> match.group(1)).toList();
    }
}
