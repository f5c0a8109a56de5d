package dev.sidecarinjector.mesh.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.inject.Golden;
import dev.sidecarinjector.mesh.index.MeshDocuments;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Snapshot compilation goldens: {@code mesh-golden/<case>/input.yaml} (Istio and Kubernetes YAML) compiled for the
 * pod named in {@code proxy} must give {@code expected.json}, and the problems {@code problems.txt} (absent: none);
 * {@code jwks.json} (optional, {@code {"uri": "key set"}}) stands in for the keys fetched for {@code jwksUri}s.
 * Every snapshot must also read back equal through {@link Snapshot#fromJson}, the proxy's parser, and so must the
 * snapshot of every other pod of the case.
 * {@code -Dgolden.update=true} rewrites the expected files; read the diff.
 */
class MeshGoldenTest {

    static final Path ROOT = Path.of("src/test/resources/mesh-golden");

    @TestFactory
    Stream<DynamicTest> goldens() throws Exception {
        return Golden.scenarios(ROOT).stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    /** The design document's example in examples/mesh/ is the reviews case, file for file. */
    @Test
    void theExampleIsTheReviewsCase() throws Exception {
        var resources = new ArrayList<HasMetadata>();
        try (var files = Files.list(Path.of("examples/mesh"))) {
            for (var file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                var parsed = MeshDocuments.read(Files.readString(file), file.toString());
                assertEquals(List.of(), parsed.problems());
                resources.addAll(parsed.resources());
            }
        }
        var result = new MeshCompiler("cluster.local", "istio-system")
                .compile(MeshIndex.of(1, resources), "default", "productpage-v1-7b9c6d5f4a-p8r6t", "golden");
        assertEquals(List.of(), result.problems());
        assertEquals(Files.readString(ROOT.resolve("reviews/expected.json")), result.snapshot().toJson(true) + "\n");
    }

    /**
     * The safety net under the control plane's checks: the snapshot of every pod of the case, not only the golden's
     * proxy, must pass the proxy's reader (every bound of {@code Limits}, every reference), as a proxy refuses a whole
     * snapshot that does not, and every proxy of the mesh would then keep a stale one.
     */
    private static void everyPodsSnapshotReadsBack(MeshCompiler compiler, MeshIndex index) throws Exception {
        for (var pod : index.pods().keySet()) {
            var name = pod.split("/");
            var snapshot = compiler.compile(index, name[0], name[1], "golden").snapshot();
            var json = snapshot.toJson(false);
            try {
                assertEquals(snapshot, Snapshot.fromJson(json), pod + ": the snapshot does not read back equal");
            } catch (dev.sidecarinjector.api.json.JsonException e) {
                throw new AssertionError(pod + ": the proxy's reader refuses the snapshot: " + e.getMessage(), e);
            }
        }
    }

    private static JwksLookup fetched(Path file) throws Exception {
        if (!Files.exists(file)) {
            return JwksLookup.NONE;
        }
        var keys = dev.sidecarinjector.api.json.JsonObject.parse(Files.readString(file), "jwks.json");
        return uri -> keys.has(uri) ? keys.string(uri) : null;
    }

    private static void check(Path dir) throws Exception {
        var parsed = MeshDocuments.read(Files.readString(dir.resolve("input.yaml")), "input.yaml");
        var proxy = Files.readString(dir.resolve("proxy")).strip().split("/");
        var index = MeshIndex.of(1, parsed.resources());
        var compiler = new MeshCompiler("cluster.local", "istio-system", fetched(dir.resolve("jwks.json")));
        var result = compiler.compile(index, proxy[0], proxy[1], "golden");
        everyPodsSnapshotReadsBack(compiler, index);
        var json = result.snapshot().toJson(true);
        Golden.compareText(dir.resolve("expected.json"), json + "\n");
        assertEquals(result.snapshot(), Snapshot.fromJson(json), "the snapshot does not read back equal");
        var problems = new TreeSet<Problem>(parsed.problems());
        problems.addAll(result.problems());
        var text = new StringBuilder();
        problems.forEach(problem -> text.append(problem.describe()).append('\n'));
        var problemsFile = dir.resolve("problems.txt");
        if (Golden.updating() && text.isEmpty()) {
            Files.deleteIfExists(problemsFile);
            return;
        }
        if (Golden.updating() || Files.exists(problemsFile)) {
            Golden.compareText(problemsFile, text.toString());
        } else {
            assertEquals("", text.toString(), dir + ": problems found, and no problems.txt expects them");
        }
    }
}
