package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mesh config as a user runs it on a directory: the snapshot on stdout, problems on stderr, exit codes. */
class MeshConfigCommandTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var exit = Main.mesh(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsTheExamplesSnapshotForTheClientPod() throws Exception {
        var run = run("config", "default/productpage-v1-7b9c6d5f4a-p8r6t", "--directory", "examples/mesh");
        assertEquals("", run.err());
        assertEquals(0, run.exit());
        var snapshot = Snapshot.fromJson(run.out());
        assertEquals("local", snapshot.version());
        var golden = Snapshot.fromJson(Files.readString(Path.of("src/test/resources/mesh-golden/reviews/expected.json")));
        assertEquals(golden.routeTables(), snapshot.routeTables());
        assertEquals(golden.clusters(), snapshot.clusters());
    }

    @Test
    void problemsGoToStandardErrorAndTheRestIsPrinted(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("examples/mesh/reviews.yaml"), dir.resolve("reviews.yaml"));
        Files.copy(Path.of("examples/mesh/productpage.yaml"), dir.resolve("productpage.yaml"));
        Files.writeString(dir.resolve("routing.yaml"), Files.readString(Path.of("examples/mesh/reviews-routing.yaml")).replace("timeout: 10s", "timeout: 10x"));
        Files.writeString(dir.resolve("half.yaml"), "kind: [");
        var run = run("config", "default/productpage-v1-7b9c6d5f4a-p8r6t", "--directory=" + dir);
        assertEquals(0, run.exit());
        assertTrue(run.err().contains("error: VirtualService default/reviews: spec.http[0].timeout: \"10x\" is not a duration"), run.err());
        assertTrue(run.err().contains("error: half.yaml: not YAML or JSON"), run.err());
        var snapshot = Snapshot.fromJson(run.out());
        assertEquals(null, snapshot.routeTables().get(1).virtualService(), "the invalid VirtualService must be left out");
    }

    @Test
    void anUnknownPodIsNamedWithExit1() {
        var run = run("config", "default/nobody", "--directory", "examples/mesh");
        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertTrue(run.err().contains("pod default/nobody is not known"), run.err());
    }

    @Test
    void usageErrorsExit2() {
        assertEquals(2, run("config").exit());
        assertTrue(run("config", "productpage").err().contains("\"productpage\" is not NAMESPACE/POD"));
        assertEquals(2, run("config", "default/a", "default/b").exit());
        assertEquals(2, run("config", "default/a", "--bogus").exit());
        assertTrue(run("config", "default/a", "--directory", "/nonexistent").err().contains("--directory /nonexistent is not a directory"));
        assertEquals(2, run("config", "default/a", "--domain", "").exit());
        assertTrue(run("config", "default/a", "--domain", "bad domain!").err().contains("error: --domain \"bad domain!\" is not a DNS domain"));
        assertTrue(run("config", "default/a", "--root-namespace", "Istio_System").err().contains("--root-namespace \"Istio_System\" is not a namespace name"));
        assertEquals(2, run("status-of-things").exit());
        assertEquals(2, run().exit());
        assertEquals(0, run("config", "--help").exit());
    }

    @Test
    void aDirectoryFromTheEnvironmentIsNamedSo() {
        var err = new ByteArrayOutputStream();
        var command = new MeshConfigCommand(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, command.execute(MeshConfigCommand.Options.parseWith("/nonexistent", "default/a")));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("error: $INJECTOR_MESH_DIRECTORY /nonexistent is not a directory"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals("--directory", MeshConfigCommand.Options.parseWith("/nonexistent", "default/a", "--directory", "/x").directoryFrom());
    }
}
