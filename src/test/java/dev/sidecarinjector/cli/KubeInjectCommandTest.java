package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sidecarinjector.inject.Golden;
import dev.sidecarinjector.inject.ModelStrictness;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** kube-inject as a user runs it: files and stdin in, YAML out, exit codes and messages that name the document. */
class KubeInjectCommandTest {

    private static final Path ROOT = Path.of("src/test/resources/golden/kube-inject");

    record Run(int exit, String out, String err) {
    }

    static Run run(String stdin, String... args) {
        return run(stdin.getBytes(StandardCharsets.UTF_8), KubeInjectCommand.OUTPUT_BUFFER_CHARS, args);
    }

    static Run run(byte[] stdin, int outputBufferChars, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var exit = new KubeInjectCommand(new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), outputBufferChars).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Exit 1, nothing printed, and every expected piece in the message. */
    private static void refused(Run result, String... expected) {
        assertEquals(1, result.exit(), result.err());
        assertEquals("", result.out(), "nothing is half-printed");
        for (var piece : expected) {
            assertTrue(result.err().contains(piece), "\"" + piece + "\" not in: " + result.err());
        }
    }

    private static final String POD_WITH_ALIASES = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - &app
                name: a
                image: &img registry.example.com/app:1.0
                env: &env [{name: MODE, value: fast}]
              - name: b
                image: *img
                env: *env
              - <<: *app
                name: c
              - <<: [{name: ignored, image: first}, {image: second, workingDir: /w}]
                name: d
            """;

    @Test
    void aKeyWrittenTwiceIsRefusedAsKubectlRefusesIt() {
        var result = run("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: a\n    image: b\n", "-f", "-");
        assertEquals(1, result.exit(), result.err());
        assertEquals("", result.out());
        assertTrue(result.err().contains("mapping key \"image\" already defined"), result.err());
    }

    @Test
    void aliasesAndMergeKeysAreResolvedAsKubectlResolvesThem() throws Exception {
        var result = run(POD_WITH_ALIASES, "-f", "-");
        assertEquals(0, result.exit(), result.err());
        var pod = Golden.YAML.readTree(result.out());
        var containers = pod.at("/spec/containers");
        assertEquals("registry.example.com/app:1.0", containers.at("/1/image").asText(), "*img is the anchored value, not \"img\"");
        assertEquals("fast", containers.at("/1/env/0/value").asText());
        assertEquals("c", containers.at("/2/name").asText(), "the mapping's own key beats the merged one");
        assertEquals("registry.example.com/app:1.0", containers.at("/2/image").asText(), "merged from the anchored container");
        assertEquals("first", containers.at("/3/image").asText(), "the first merged mapping wins");
        assertEquals("/w", containers.at("/3/workingDir").asText());
        assertEquals("d", containers.at("/3/name").asText());
        for (var leftover : List.of("<<", "*img", "&img", "*env", "&app", "*app")) {
            assertTrue(!result.out().contains(leftover), leftover + " left in " + result.out());
        }
        assertEquals(List.of(), ModelStrictness.unknownFields(Golden.YAML.treeToValue(pod, Pod.class), "pod"));
    }

    @Test
    void emptyDocumentsAreSkipped() {
        var result = run("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\n", "-f", "-");
        assertEquals(0, result.exit(), result.err());
        assertEquals("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n", result.out());
    }

    @Test
    void quotedMergeKeyIsAnOrdinaryKey() {
        var result = run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {\"<<\": kept}\n", "-f", "-");
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().contains("<<"), result.out());
    }

    @Test
    void undefinedAliasIsNamed() {
        refused(run("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: *nope}\n", "-f", "-"),
                "document 1: line 6: alias *nope has no anchor &nope");
    }

    @Test
    void anchorsDoNotReachIntoTheNextDocument() {
        refused(run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: &n c}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: *n}\n",
                "-f", "-"), "document 2: line 7: alias *n has no anchor");
    }

    @Test
    void aliasInsideItsOwnAnchorIsRefused() {
        refused(run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: &d {a: *d}\n", "-f", "-"),
                "document 1: line 4: alias *d is inside the node its anchor &d names");
    }

    @Test
    void billionLaughsIsRefused() {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level < 10; level++) {
            yaml.append("  l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*l" + (level - 1)))).append("]\n");
        }
        refused(run(yaml.toString(), "-f", "-"), "document 1: line ", "excessive aliasing");
    }

    @Test
    void mergeKeyNeedsMappings() {
        refused(run("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - <<: oops\n    name: a\n", "-f", "-"),
                "document 1: spec.containers[0]: the merge key << needs a mapping or a list of mappings, not the string \"oops\"");
    }

    @Test
    void controlCharactersFromTheManifestAreEscapedInErrorsAndExplanations() {
        var pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"p\\e[2J\\r\"\n  annotations: {sidecar.istio.io/proxyCPU: \"1\\e[31m\\rforged\"}\n"
                + "spec:\n  containers:\n  - {name: a, image: nginx}\n";
        var result = run(pod, "-f", "-", "--explain");
        refused(result, "\\x1b[31m\\rforged");
        assertFalse(result.err().chars().anyMatch(c -> c == 0x1b || c == '\r'), result.err());
    }

    @Test
    void listWhoseItemsIsNotAListIsNamed() {
        refused(run("apiVersion: v1\nkind: List\nitems: {kind: Pod}\n", "-f", "-"), "document 1 (List default, no name): items is not a list but object");
        refused(run("apiVersion: v1\nkind: List\nitems: nope\n", "-f", "-"), "items is not a list but string");
        assertEquals(0, run("apiVersion: v1\nkind: List\nitems: []\n", "-f", "-").exit());
    }

    @Test
    void invalidUtf8IsNamedWithItsOffset(@TempDir Path dir) throws Exception {
        var bytes = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: caf\u00e9}\n".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 4] = (byte) 0xc0;
        var file = dir.resolve("bad.yaml");
        Files.write(file, bytes);
        refused(run("", "-f", file.toString()), "input is not valid UTF-8: byte 0xC0 at offset 64 (line 4)");
        refused(run(bytes, KubeInjectCommand.OUTPUT_BUFFER_CHARS, "-f", "-"), "input is not valid UTF-8: byte 0xC0 at offset 64 (line 4)");
    }

    @Test
    void utf16WithByteOrderMarkIsReadAndBrokenUtf16IsNamed() {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: caf\u00e9}\n";
        var expected = run(text, "-f", "-");
        assertEquals(0, expected.exit(), expected.err());
        for (var charset : List.of(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE)) {
            var bom = charset == StandardCharsets.UTF_16LE ? "\ufeff" : "";
            var result = run((bom + text).getBytes(charset), KubeInjectCommand.OUTPUT_BUFFER_CHARS, "-f", "-");
            assertEquals(expected, result, charset.name());
        }
        var valid = ("\ufeff" + text).getBytes(StandardCharsets.UTF_16BE);
        var broken = java.util.Arrays.copyOf(valid, valid.length + 4);
        broken[valid.length] = (byte) 0xd8;
        broken[valid.length + 3] = 'x';
        refused(run(broken, KubeInjectCommand.OUTPUT_BUFFER_CHARS, "-f", "-"), "input is not valid UTF-16BE (it starts with a UTF-16 byte order mark): byte sequence 0xD8 0x00 0x00 0x78 at offset "
                + valid.length + " (line 5)");
        refused(run(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0, 'a', 0, 0, 0}, KubeInjectCommand.OUTPUT_BUFFER_CHARS, "-f", "-"), "UTF-32");
    }

    @Test
    void utf16WithoutByteOrderMarkAndControlCharactersAreNamedWithTheirOffset() {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
        refused(run(text.getBytes(StandardCharsets.UTF_16LE), KubeInjectCommand.OUTPUT_BUFFER_CHARS, "-f", "-"),
                "error: input looks like UTF-16LE without a byte order mark (a NUL at offset 1): save it as UTF-8, or as UTF-16 with a byte order mark\n");
        refused(run(text.getBytes(StandardCharsets.UTF_16BE), KubeInjectCommand.OUTPUT_BUFFER_CHARS, "-f", "-"),
                "error: input looks like UTF-16BE without a byte order mark (a NUL at offset 0)");
        var result = run(text + "data: {a: \"x\u0001y\"}\n", "-f", "-");
        refused(result, "error: input has the control character 0x01 at offset " + (text.length() + 12) + " (line 4), which YAML does not allow\n");
        assertFalse(result.err().contains("UTF-16"), result.err());
        assertEquals(0, run("# a tab\there, CRLF\r\n" + text, "-f", "-").exit(), "tab, line feed and carriage return are YAML's");
    }

    @Test
    void inputOverTheLimitIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
        var big = "# padding\n".repeat(110_000);
        refused(run(big, "-f", "-", "--max-input-mib", "1"), "input is larger than 1 MiB (--max-input-mib)");
        var file = dir.resolve("big.yaml");
        Files.writeString(file, big);
        refused(run("", "-f", file.toString(), "--max-input-mib=1"), "input is larger than 1 MiB");
        assertEquals(0, run(big, "-f", "-", "--max-input-mib", "2").exit());
        assertEquals(2, run("", "-f", "-", "--max-input-mib", "0").exit());
    }

    @Test
    void documentLargerThanTheApiServerTakesIsRefused() {
        var entry = "  k%d: |\n" + ("    " + "x".repeat(1000) + "\n").repeat(500);
        var data = new StringBuilder();
        for (var i = 0; i < 7; i++) {
            data.append(entry.formatted(i));
        }
        var result = run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\n"
                + "data:\n" + data + "\n", "-f", "-");
        refused(result, "document 2: larger than 3 MiB");
    }

    @Test
    void valueLargerThanEtcdStoresIsRefused() {
        var result = run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  big: " + "x".repeat(2 * 1024 * 1024) + "\n", "-f", "-");
        refused(result, "document 1: line 5: the value starting here is larger than 1.5 MiB");
    }

    @Test
    void outputLargerThanTheBufferIsPrintedByASecondPassWithTheSameResult() throws Exception {
        var input = Files.readString(ROOT.resolve("job/input.yaml"));
        input = input + "\n---\n" + input;
        var once = run(input, "-f", "-");
        assertEquals(0, once.exit(), once.err());
        var twice = run(input.getBytes(StandardCharsets.UTF_8), 100, "-f", "-");
        assertEquals(once, twice);
        var invalid = run((input + "\n---\nkind: Deployment\nmetadata: {name: x}\n").getBytes(StandardCharsets.UTF_8), 100, "-f", "-");
        assertEquals(1, invalid.exit());
        assertEquals("", invalid.out());
    }

    @Test
    void outputGoesToTheFileWholeAndStdoutStaysEmpty(@TempDir Path dir) throws Exception {
        var input = ROOT.resolve("job/input.yaml").toString();
        var printed = run("", "-f", input);
        var file = dir.resolve("injected.yaml");
        var written = run("", "-f", input, "-o", file.toString());
        assertEquals(new Run(0, "", printed.err()), written);
        assertEquals(printed.out(), Files.readString(file));
        // Past the output buffer the second pass writes into the file as it goes.
        var large = run(new byte[0], 100, "-f", input, "--output", file.toString());
        assertEquals(new Run(0, "", printed.err()), large);
        assertEquals(printed.out(), Files.readString(file));
        assertEquals(printed, run("", "-f", input, "-o", "-"), "-o - is standard output");
        assertEquals(List.of(file), listed(dir), "no temporary file is left");
    }

    @Test
    void anOutputThatIsASymbolicLinkReplacesTheFileItPointsTo(@TempDir Path dir) throws Exception {
        var real = Files.writeString(dir.resolve("real.yaml"), "old\n");
        var link = Files.createSymbolicLink(dir.resolve("link.yaml"), real.getFileName());
        var result = run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "-f", "-", "-o", link.toString());
        assertEquals(0, result.exit(), result.err());
        assertTrue(Files.isSymbolicLink(link), "the link stays");
        assertEquals("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", Files.readString(real));
        assertEquals(List.of(link, real), listed(dir));
    }

    @Test
    void anInvalidDocumentLeavesTheOutputFileAsItWas(@TempDir Path dir) throws Exception {
        var file = dir.resolve("injected.yaml");
        Files.writeString(file, "kept\n");
        var result = run("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: nginx}\n", "-f", "-", "-o", file.toString());
        refused(result, "document 1 (Pod default/p): spec.containers: \"nginx\" is not a list");
        assertEquals("kept\n", Files.readString(file));
        assertEquals(List.of(file), listed(dir));
    }

    @Test
    void anOutputFileThatCannotBeWrittenIsAUsageErrorBeforeAnyWork(@TempDir Path dir) throws Exception {
        var pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: a}]}\n";
        var missing = dir.resolve("no/such/dir/out.yaml");
        assertEquals(new Run(2, "", "error: --output " + missing + ": no such directory " + missing.getParent() + "\n"),
                run(pod, "-f", "-", "-o", missing.toString()));
        assertEquals(new Run(2, "", "error: --output " + dir + ": a directory (it takes a file)\n"), run(pod, "-f", "-", "-o", dir.toString()));
    }

    @Test
    void istioctlsFlagsWithNoEqualHereSayWhatTakesTheirPlace() {
        assertEquals(new Run(2, "", "error: unknown flag \"--injectConfigFile=inject.yaml\": istioctl's injection template file;"
                        + " templates here are a directory of NAME.yaml files: --templates DIR\n" + KubeInjectCommand.HELP + "\n"),
                run("", "-f", "-", "--injectConfigFile=inject.yaml"));
        for (var flag : KubeInjectCommand.Options.ISTIOCTL_FLAGS.keySet()) {
            var result = run("", "-f", "-", flag, "x");
            assertEquals(2, result.exit(), flag);
            assertTrue(result.err().startsWith("error: unknown flag \"" + flag + "\": "), result.err());
        }
    }

    private static List<Path> listed(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aProbeLeftAsItIsIsAWarningOnStderrEvenWithoutExplainAndTheRestIsInjected() throws Exception {
        var result = run("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: demo}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    readinessProbe:
                      httpGet: {path: /ready, port: metrics}
                    livenessProbe:
                      httpGet: {path: /live, port: 8080}
                """, "-f", "-");
        assertEquals(0, result.exit(), result.err());
        assertEquals("warning: document 1 (Pod demo/web): spec.containers[0].readinessProbe.httpGet.port: \"metrics\" names no port of "
                + "container web, so this probe is left as it is (not moved to the status port 15020)\n", result.err());
        var web = Golden.YAML.readTree(result.out()).at("/spec/containers/0");
        assertEquals("metrics", web.at("/readinessProbe/httpGet/port").asText());
        assertEquals("/app-health/web/livez", web.at("/livenessProbe/httpGet/path").asText());
    }

    @TestFactory
    Stream<DynamicTest> goldenManifests() throws Exception {
        return Golden.scenarios(ROOT).stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            var result = run("", "-f", dir.resolve("input.yaml").toString(), "--explain");
            assertEquals(0, result.exit(), result.err());
            Golden.compareText(dir.resolve("expected.yaml"), result.out());
            Golden.compareText(dir.resolve("explain.txt"), result.err());
            for (var document : Golden.YAML.readValues(Golden.YAML.createParser(result.out()), JsonNode.class).readAll()) {
                checkPodTemplates(document);
            }
            var again = run(result.out(), "-f", "-");
            assertEquals(result.out(), again.out(), "a second kube-inject must change nothing");
        }));
    }

    /** Every pod and pod template in the output parses into the Kubernetes model with no unknown field. */
    static void checkPodTemplates(JsonNode document) throws Exception {
        var kind = document.path("kind").asText();
        if (kind.equals("List")) {
            for (var item : document.path("items")) {
                checkPodTemplates(item);
            }
        } else if (kind.equals("Pod")) {
            assertEquals(List.of(), ModelStrictness.unknownFields(Golden.YAML.treeToValue(document, Pod.class), "pod"));
        } else {
            var template = kind.equals("CronJob") ? document.at("/spec/jobTemplate/spec/template") : document.at("/spec/template");
            if (!template.isMissingNode()) {
                assertEquals(List.of(), ModelStrictness.unknownFields(Golden.YAML.treeToValue(template, PodTemplateSpec.class), "template"));
            }
        }
    }

    @Test
    void readsStandardInput() throws Exception {
        var input = Files.readString(ROOT.resolve("job/input.yaml"));
        var result = run(input, "-f", "-");
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().contains("name: sidecar-proxy"));
        assertEquals(result.out(), run(input, "--filename=-").out(), "--flag=value works like --flag value");
    }

    @Test
    void invalidDocumentIsNamedAndNothingIsPrinted() {
        var input = """
                apiVersion: v1
                kind: Pod
                metadata: {name: fine}
                spec: {containers: [{name: a, image: a}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    metadata:
                      annotations: {traffic.sidecar.istio.io/excludeOutboundPorts: "80x"}
                    spec: {containers: [{name: a, image: a}]}
                """;
        var result = run(input, "-f", "-");
        assertEquals(1, result.exit());
        assertEquals("", result.out(), "nothing is half-printed");
        assertTrue(result.err().contains("document 2 (Deployment shop/web)"), result.err());
        assertTrue(result.err().contains("traffic.sidecar.istio.io/excludeOutboundPorts: \"80x\" is not a port"), result.err());
    }

    /** These escaped as exceptions: a 30 KB stack trace for the exponent; the digits took seconds of CPU each. */
    @Test
    void hostileOverridesAreNamedInOneShortLine() {
        for (var annotation : List.of("sidecar.istio.io/proxyCPU: \"1e99999999999\"", "sidecar.istio.io/proxyMemory: \"" + "9".repeat(500_000) + "\"",
                "sidecar.istio.io/proxyImage: \"proxy:$(id)\"", "proxy.istio.io/config: \"{a: 1, a: 2}\"")) {
            var input = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {" + annotation + "}\nspec: {containers: [{name: a, image: a}]}\n";
            var result = run(input, "-f", "-");
            var name = annotation.substring(0, annotation.indexOf(':'));
            assertEquals(1, result.exit(), result.err());
            assertTrue(result.err().startsWith("error: document 1 (Pod default/p): " + name + ": "), result.err());
            assertTrue(result.err().length() < 400 && result.err().lines().count() == 1, result.err());
        }
    }

    @Test
    void badDefaultImageIsNamed(@TempDir Path dir) throws Exception {
        var config = dir.resolve("injector.properties");
        Files.writeString(config, "injector.proxy.image=registry.example.com/Proxy:1\n");
        var result = run("", "-f", "-", "--config", config.toString());
        assertEquals(2, result.exit());
        assertTrue(result.err().contains("injector.proxy.image: \"registry.example.com/Proxy:1\" is not a container image reference"), result.err());
    }

    @Test
    void workloadWithoutTemplateIsNamed() {
        var result = run("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n", "-f", "-");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("document 1 (Deployment default/web): spec.template is missing"), result.err());
    }

    @Test
    void podTemplateWithoutContainersIsRefusedNotLeftWithTheProxyAlone() {
        for (var input : List.of(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n",
                "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: []}\n",
                "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n")) {
            var result = run(input, "-f", "-");
            assertEquals(1, result.exit(), input + result.out());
            assertEquals("", result.out(), "nothing is printed");
            assertTrue(result.err().contains("document 1 (") && result.err().contains("spec.containers: \""), result.err());
        }
    }

    @Test
    void invalidYamlIsAnError() {
        var result = run("kind: Pod\n  metadata: [\n", "-f", "-");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("not valid YAML"), result.err());
    }

    @Test
    void disabledNamespaceLabelStillOptsOut() {
        var result = run("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: a}]}\n",
                "-f", "-", "--namespace-labels", "istio-injection=disabled", "--explain");
        assertEquals(0, result.exit());
        assertTrue(result.err().contains("namespace_disabled"), result.err());
        assertTrue(!result.out().contains("sidecar-proxy"));
    }

    /** A value a template takes from an annotation is checked for each pod, and refused naming the template, the container, the field and the value. */
    @Test
    void aTemplateRenderingABadContainerForOnePodIsNamedInOneLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("debug.yaml"), "containers:\n- name: debug\n  image: busybox\n  ports:\n"
                + "  - containerPort: {pod.annotations.get('example.com/port') ?: 9000}\n");
        var pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {inject.istio.io/templates: debug, example.com/port: %s}\n"
                + "spec: {containers: [{name: a, image: a}]}\n";
        var good = run(pod.formatted("\"8080\""), "-f", "-", "--templates", dir.toString());
        assertEquals(0, good.exit(), good.err());
        var result = run(pod.formatted("http"), "-f", "-", "--templates", dir.toString());
        refused(result, "error: document 1 (Pod default/p): template debug.yaml: container \"debug\": ports[0].containerPort: \"http\" is not an integer\n");
        assertEquals(1, result.err().lines().count(), result.err());
    }

    @Test
    void configFileAndTemplatesDirectoryApply(@TempDir Path dir) throws Exception {
        var config = dir.resolve("injector.properties");
        Files.writeString(config, "injector.proxy.image=registry.example.com/sidecar-proxy:9.9\ninjector.proxy.placement=native\n");
        var result = run(Files.readString(ROOT.resolve("job/input.yaml")), "-f", "-", "--config", config.toString(), "--templates", dir.toString());
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().contains("image: registry.example.com/sidecar-proxy:9.9"));
        assertTrue(result.out().contains("restartPolicy: Always"));
    }

    @Test
    void controlPlaneFromTheConfigFileIsInjectedAsByTheWebhook(@TempDir Path dir) throws Exception {
        var config = dir.resolve("injector.properties");
        Files.writeString(config, "injector.mesh.control-plane-address=sidecar-injector.sidecar-injector-system.svc:15012\n");
        var result = run(Files.readString(ROOT.resolve("job/input.yaml")), "-f", "-", "--config", config.toString());
        assertEquals(0, result.exit(), result.err());
        for (var expected : List.of("- --control-plane\n", "- sidecar-injector.sidecar-injector-system.svc:15012\n",
                "- --root-cert\n", "- --token-file\n", "audience: istio-ca\n", "name: istio-ca-root-cert\n")) {
            assertTrue(result.out().contains(expected), "no " + expected.strip() + " in:\n" + result.out());
        }
        Files.writeString(config, "injector.mesh.control-plane-address=sidecar-injector:fifteen\n");
        result = run("", "-f", "-", "--config", config.toString());
        assertEquals(2, result.exit());
        assertTrue(result.err().contains("injector.mesh.control-plane-address: \"sidecar-injector:fifteen\""), result.err());
    }

    @Test
    void badConfigPropertyIsNamed(@TempDir Path dir) throws Exception {
        var config = dir.resolve("injector.properties");
        Files.writeString(config, "injector.interception.exclude-outbound-ports=80x\n");
        var result = run("", "-f", "-", "--config", config.toString());
        assertEquals(2, result.exit());
        assertTrue(result.err().contains("injector.interception.exclude-outbound-ports: \"80x\""), result.err());
    }

    @Test
    void configFileMistakesAreNamedWithoutAStackTrace(@TempDir Path dir) throws Exception {
        var config = dir.resolve("injector.properties");
        var cases = Map.of(
                "injector.proxy.imag=foo\n", "error: injector.proxy.imag (line 1 of " + config + "): no such setting; did you mean injector.proxy.image?",
                "# a comment\ninjector.proxy.placement=sideways\n", "error: injector.proxy.placement: \"sideways\" is not one of container, native",
                "injector.proxy.image=\n", "error: injector.proxy.image: \"\" is empty: leave the line out for the default",
                "injector.proxy.uid=abc\n", "error: injector.proxy.uid: \"abc\" is not a number",
                "injector.proxy.hold-application-until-proxy-starts=maybe\n",
                "error: injector.proxy.hold-application-until-proxy-starts: \"maybe\" is not true or false",
                "injector.mesh.directory-poll-interval=soon\n", "error: injector.mesh.directory-poll-interval: \"soon\"",
                "injector.proxy.inbound-prot=15006\ninjector.proxy.placement=sideways\n",
                "error: injector.proxy.inbound-prot (line 1 of " + config + "): no such setting; did you mean injector.proxy.inbound-port?; "
                        + "injector.proxy.placement: \"sideways\" is not one of container, native");
        for (var c : cases.entrySet()) {
            Files.writeString(config, c.getKey());
            var result = run("", "-f", "-", "--config", config.toString());
            assertEquals(2, result.exit(), c.getKey() + result.err());
            assertTrue(result.err().startsWith(c.getValue()), c.getKey() + " gave:\n" + result.err());
            assertEquals(1, result.err().lines().count(), result.err());
            assertFalse(result.err().contains("SRCFG") || result.err().contains("Exception") || result.err().contains("dev.sidecarinjector"), result.err());
        }
    }

    @Test
    void aNamespaceThatCannotBeOneIsAUsageError() {
        for (var name : new String[] {"Bad_NS", "", "-x", "a".repeat(64)}) {
            var result = run("", "-f", "-", "--namespace", name);
            assertEquals(2, result.exit(), result.err());
            assertTrue(result.err().startsWith("error: --namespace \"" + name + "\" is not a namespace name"), result.err());
        }
        assertEquals(0, run("", "-f", "-", "-n", "team-a1").exit());
    }

    @Test
    void aDocumentWithoutANameIsSaidToHaveNone() {
        refused(run("apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: 1}\n", "-f", "-"),
                "error: document 1 (Deployment default, no name): spec.template is missing");
    }

    @Test
    void aConfigFileThatCannotBeReadIsNamedAsTheFlags(@TempDir Path dir) throws Exception {
        var pod = Files.writeString(dir.resolve("pod.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: a}]}\n");
        var missing = dir.resolve("nonexistent.properties");
        for (var c : Map.of(missing, "error: --config " + missing + ": no such file\n",
                dir, "error: --config " + dir + ": a directory (it takes a properties file)\n").entrySet()) {
            var result = run("", "-f", pod.toString(), "--config", c.getKey().toString());
            assertEquals(2, result.exit(), result.err());
            assertEquals("", result.out());
            assertEquals(c.getValue(), result.err());
        }
    }

    @Test
    void templatesThatAreNotADirectoryAreAUsageError(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("debug-shell.yaml"), "containers: []\n");
        var missing = dir.resolve("nonexistent");
        var pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: a}]}\n";
        for (var c : Map.of(missing, "error: --templates " + missing + ": no such directory",
                file, "error: --templates " + file + ": not a directory").entrySet()) {
            var result = run(pod, "-f", "-", "--templates", c.getKey().toString());
            assertEquals(2, result.exit(), result.err());
            assertEquals("", result.out());
            assertTrue(result.err().startsWith(c.getValue()), result.err());
        }
    }

    @Test
    void anAnnotationOrLabelThatIsNotAStringIsRefusedAsKubectlRefusesIt() {
        refused(run("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    sidecar.istio.io/nativeSidecar: true\n"
                        + "spec: {containers: [{name: a, image: b}]}\n", "-f", "-"),
                "error: document 1 (Pod default/p): metadata.annotations.sidecar.istio.io/nativeSidecar: true is not a string (quote it)");
        refused(run("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      labels: {app: d, version: 1.10}\n"
                        + "    spec: {containers: [{name: a, image: b}]}\n", "-f", "-"),
                "error: document 1 (Deployment default/d): spec.template.metadata.labels.version: 1.1 is not a string (quote it)");
        // An empty value is the empty string, as kubectl sends it: here a Vault secret without a path, refused naming it.
        refused(run("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    vault.hashicorp.com/agent-inject: \"true\"\n"
                        + "    vault.hashicorp.com/role: r\n    vault.hashicorp.com/agent-inject-secret-db:\nspec: {containers: [{name: a, image: b}]}\n", "-f", "-"),
                "error: document 1 (Pod default/p): vault.hashicorp.com/agent-inject-secret-db: \"\" is not a Vault path: empty");
    }

    @Test
    void usageErrors() {
        assertEquals(2, run("").exit());
        assertEquals(2, run("", "-f").exit());
        assertEquals(2, run("", "-f", "x.yaml", "--bogus").exit());
        assertEquals(2, run("", "-f", "/does/not/exist.yaml").exit());
        assertEquals(0, run("", "--help").exit());
    }
}
