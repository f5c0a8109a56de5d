package dev.sidecarinjector.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sidecarinjector.cli.KubeInjectCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Broken and hostile manifests through kube-inject: YAML aliases and merge keys, billion laughs, bad encodings,
 * oversized input, documents and values, a List whose items is not a list, and every truncation of a valid stream.
 * Each is refused with exit 1, nothing on stdout and a message naming the document or the byte; never a stack trace.
 */
class KubeInjectBadInputTest {

    private static final String VALID = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - &app {name: web, image: &img nginx:1.27, ports: [{containerPort: 8080}]}
                  - <<: *app
                    name: sidecar
            ---
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "caf\u00e9"}]}}
            """;

    record Case(String name, byte[] input, String... args) {
    }

    record Run(int exit, String out, String err) {
    }

    static List<Case> corpus() {
        var cases = new ArrayList<Case>();
        var valid = VALID.getBytes(StandardCharsets.UTF_8);
        for (var cut = 1; cut < valid.length; cut += 7) {
            cases.add(new Case("truncated at byte " + cut, java.util.Arrays.copyOf(valid, cut)));
        }
        cases.add(text("undefined alias", VALID.replace("<<: *app", "<<: *nope")));
        cases.add(text("alias inside its own anchor", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: &d {a: *d}\n"));
        cases.add(text("alias across documents", VALID + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: *img}\n"));
        cases.add(text("merge key of a string", VALID.replace("<<: *app", "<<: oops")));
        cases.add(text("merge key of null", VALID.replace("<<: *app", "<<:")));
        cases.add(text("merge key of a list of strings", VALID.replace("<<: *app", "<<: [a, b]")));
        cases.add(text("alias of a mapping as a key", VALID.replace("<<: *app", "*app : x")));
        cases.add(text("billion laughs", laughs(10, 10)));
        cases.add(text("2^30 laughs", laughs(30, 2)));
        cases.add(text("List items a mapping", "apiVersion: v1\nkind: List\nitems: {kind: Pod}\n"));
        cases.add(text("List items a string", "apiVersion: v1\nkind: List\nitems: pods\n"));
        cases.add(text("List items a number", "apiVersion: v1\nkind: List\nitems: 3\n"));
        for (var at : List.of(0, valid.length / 2, valid.length - 1)) {
            var bytes = valid.clone();
            bytes[at] = (byte) 0xff;
            cases.add(new Case("invalid UTF-8 byte at " + at, bytes));
        }
        cases.add(new Case("UTF-8 cut inside a character", java.util.Arrays.copyOf(valid, VALID.indexOf('\u00e9') + 1)));
        cases.add(new Case("overlong UTF-8", concat(valid, new byte[] {'#', (byte) 0xc0, (byte) 0xaf, '\n'})));
        cases.add(new Case("UTF-16 with an odd byte", concat(("\ufeff" + VALID).getBytes(StandardCharsets.UTF_16BE), new byte[] {'x'})));
        cases.add(new Case("UTF-16 with a lone surrogate", concat(("\ufeff" + VALID).getBytes(StandardCharsets.UTF_16LE), new byte[] {0, (byte) 0xdc})));
        cases.add(new Case("UTF-32", concat(new byte[] {0, 0, (byte) 0xfe, (byte) 0xff}, "kind: Pod\n".getBytes(StandardCharsets.UTF_8))));
        cases.add(new Case("UTF-16 without a byte order mark", VALID.getBytes(StandardCharsets.UTF_16LE)));
        cases.add(text("NUL in a value", VALID.replace("nginx:1.27", "nginx\u0000:1.27")));
        cases.add(new Case("binary garbage", new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 0x7b, 0x5b}));
        cases.add(text("20 MB single scalar", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  big: " + "x".repeat(20_000_000) + "\n"));
        cases.add(new Case("input over --max-input-mib", "# padding\n".repeat(220_000).getBytes(StandardCharsets.UTF_8), "--max-input-mib", "2"));
        cases.add(text("10,000 nested lists", "a: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n"));
        return cases;
    }

    @Test
    void everyBadManifestIsRefusedWithAMessage() {
        var corpus = corpus();
        var problems = new ArrayList<String>();
        var exits = new TreeMap<Integer, Integer>();
        var slowest = new long[] {0};
        var slowestName = new String[] {""};
        assertTimeoutPreemptively(Duration.ofMinutes(5), () -> {
            for (var input : corpus) {
                var started = System.nanoTime();
                var result = run(input);
                var millis = (System.nanoTime() - started) / 1_000_000;
                if (millis > slowest[0]) {
                    slowest[0] = millis;
                    slowestName[0] = input.name();
                }
                exits.merge(result.exit(), 1, Integer::sum);
                var truncation = input.name().startsWith("truncated");
                if (result.exit() == 0 && truncation) {
                    continue;
                }
                if (result.exit() != 1) {
                    problems.add(input.name() + ": exit " + result.exit() + ": " + abbreviate(result.err()));
                } else if (!result.out().isEmpty()) {
                    problems.add(input.name() + ": refused but printed " + abbreviate(result.out()));
                } else if (!result.err().startsWith("error: ") || result.err().contains("\tat ") || result.err().contains("Exception")) {
                    problems.add(input.name() + ": not a plain error message: " + abbreviate(result.err()));
                } else if (!truncation && !result.err().matches("(?s)error: (document \\d+|input ).*")) {
                    problems.add(input.name() + ": names neither the document nor the input: " + abbreviate(result.err()));
                }
            }
        });
        assertEquals("", String.join("\n", problems), problems.size() + " of " + corpus.size() + " cases misbehaved");
        ReliabilityLog.record("KubeInjectBadInputTest.everyBadManifestIsRefusedWithAMessage",
                corpus.size() + " broken manifests through kube-inject: every truncation, undefined and self-containing aliases, "
                        + "merge keys of non-mappings, billion laughs, invalid UTF-8 and UTF-16, UTF-32, NUL, a 20 MB scalar, "
                        + "input over the limit, a List whose items is not a list, deep nesting",
                "exit 1 with a message naming the document or the byte and nothing printed (a truncation may still be valid: exit 0); "
                        + "never a stack trace",
                "cases", corpus.size(), "exit codes", exits.toString(), "slowest case", slowestName[0], "slowest case ms", slowest[0]);
    }

    private static Run run(Case input) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var args = new ArrayList<>(List.of("-f", "-"));
        Collections.addAll(args, input.args());
        var exit = new KubeInjectCommand(new ByteArrayInputStream(input.input()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args.toArray(String[]::new));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String laughs(int levels, int width) {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  l0: &l0 lol\n");
        for (var level = 1; level < levels; level++) {
            yaml.append("  l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", Collections.nCopies(width, "*l" + (level - 1)))).append("]\n");
        }
        return yaml.toString();
    }

    private static Case text(String name, String yaml) {
        return new Case(name, yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        var both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
