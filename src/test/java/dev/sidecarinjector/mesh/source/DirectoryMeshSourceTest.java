package dev.sidecarinjector.mesh.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.mesh.index.MeshIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory source: what it reads, what it skips, and that a change is published without a restart. */
class DirectoryMeshSourceTest {

    static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: default}
            spec:
              clusterIP: 10.96.0.20
              ports: [{name: http, port: 9080}]
            """;
    static final String VIRTUAL_SERVICE = """
            apiVersion: networking.istio.io/v1alpha3
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews}
                timeout: %s
            """;

    @TempDir
    Path dir;

    @Test
    void readsEveryManifestKindAndSkipsTheRest() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), SERVICE + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
        Files.writeString(dir.resolve("b.yml"), VIRTUAL_SERVICE.formatted("1s"));
        Files.writeString(dir.resolve("c.json"), """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "networking.istio.io/v1beta1", "kind": "DestinationRule", "metadata": {"name": "reviews"},
                   "spec": {"host": "reviews"}},
                  {"apiVersion": "security.istio.io/v1beta1", "kind": "PeerAuthentication", "metadata": {"name": "default"},
                   "spec": {"mtls": {"mode": "STRICT"}}},
                  {"apiVersion": "security.istio.io/v1beta1", "kind": "AuthorizationPolicy", "metadata": {"name": "deny-get"},
                   "spec": {"action": "DENY", "rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]}},
                  {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy", "metadata": {"name": "allow-nothing", "namespace": "x"},
                   "spec": {}}]}
                """);
        Files.writeString(dir.resolve("notes.txt"), "not read");
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50)).start()) {
            var index = source.current();
            assertTrue(source.ready());
            assertEquals(1, index.services().size());
            assertEquals("default/reviews", index.virtualServices().firstKey());
            assertEquals("default/reviews", index.destinationRules().firstKey());
            assertEquals("default/default", index.peerAuthentications().firstKey());
            assertEquals(java.util.Set.of("default/deny-get", "x/allow-nothing"), index.authorizationPolicies().keySet());
            assertEquals(6, index.size());
        }
    }

    @Test
    void aChangedFileIsPublishedAndAHalfWrittenOneKeepsItsLastGoodContent() throws Exception {
        var file = dir.resolve("reviews.yaml");
        Files.writeString(file, SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("1s"));
        Files.writeString(dir.resolve("broken.yaml"), "kind: [unclosed");
        var published = new LinkedBlockingQueue<MeshIndex>();
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50))) {
            source.addListener(published::add);
            source.start();
            assertEquals(2, published.take().size(), "the broken file must not hide the good one");

            replace(file, SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("2s"));
            var changed = published.poll(10, TimeUnit.SECONDS);
            assertEquals("2s", changed.virtualServices().get("default/reviews").getSpec().getHttp().getFirst().getTimeout());

            replace(file, SERVICE + "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: [");
            var halfWritten = published.poll(10, TimeUnit.SECONDS);
            assertEquals("2s", halfWritten.virtualServices().get("default/reviews").getSpec().getHttp().getFirst().getTimeout(),
                    "a file that does not parse keeps its last good content");
            assertTrue(halfWritten.version() > changed.version());

            Files.delete(file);
            assertEquals(0, published.poll(10, TimeUnit.SECONDS).size());
        }
    }

    @Test
    void aDocumentOfTheWrongShapeIsNamedAndTheOthersApply() throws Exception {
        Files.writeString(dir.resolve("mixed.yaml"), SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("[1, 2]"));
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50)).start()) {
            assertEquals(1, source.current().services().size());
            assertEquals(0, source.current().virtualServices().size());
            var problem = source.readProblems().getFirst().describe();
            assertTrue(problem.startsWith("VirtualService default/reviews: spec.http[0].timeout: \"[1,2]\" is not a string"), problem);
            assertTrue(problem.contains("mixed.yaml"), problem);
        }
    }

    @Test
    void aMissingDirectoryIsAnEmptyMesh() {
        try (var source = new DirectoryMeshSource(dir.resolve("absent"), Duration.ofMillis(50)).start()) {
            assertTrue(source.ready());
            assertEquals(0, source.current().size());
        }
    }

    @Test
    void aFileOverTheLimitIsRefusedWithItsSizeAndTheOthersApply() throws Exception {
        Files.writeString(dir.resolve("reviews.yaml"), SERVICE);
        try (var huge = java.nio.channels.FileChannel.open(dir.resolve("zz-huge.yaml"), java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            huge.truncate(0).position(4096).write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}));
        }
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50), 4096, DirectoryMeshSource.DEFAULT_MAX_TOTAL_BYTES).load()) {
            assertEquals(1, source.current().services().size());
            assertEquals(java.util.List.of("zz-huge.yaml: 4097 bytes, larger than the limit of 4096 bytes "
                    + "(injector.mesh.directory-max-file-size): not read"), source.fileErrors());
        }
    }

    @Test
    void filesHoldingMoreThanTheTotalLimitAreNotReadAndTheLastGoodViewStays() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), SERVICE);
        var limit = Files.size(dir.resolve("a.yaml")) + 100;
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50), 4096, limit).load()) {
            assertEquals(1, source.current().services().size());
            Files.writeString(dir.resolve("b.yaml"), "# " + "x".repeat((int) limit) + "\n");
            Files.writeString(dir.resolve("a.yaml"), "# emptied\n");
            assertFalse(source.scan(), "nothing is read");
            assertEquals(1, source.current().services().size(), "the last good view stays");
            var error = source.fileErrors().getFirst();
            assertTrue(error.contains(": its 2 files hold " + (10 + limit + 3) + " bytes, more than the limit of " + limit
                    + " bytes (injector.mesh.directory-max-total-size;"), error);
            assertTrue(error.endsWith("not read; the last good view stays until they hold less"), error);
            Files.delete(dir.resolve("b.yaml"));
            assertTrue(source.scan());
            assertEquals(0, source.current().services().size(), "read again once under the limit");
            assertEquals(java.util.List.of(), source.fileErrors());
        }
    }

    @Test
    void aPollThatFailsEvenWithAnErrorDoesNotStopThePoller() throws Exception {
        var file = dir.resolve("reviews.yaml");
        Files.writeString(file, SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("1s"));
        var published = new LinkedBlockingQueue<MeshIndex>();
        var failures = new java.util.concurrent.atomic.AtomicInteger();
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50))) {
            source.addListener(index -> {
                if (index.version() == 2 && failures.getAndIncrement() == 0) {
                    throw new OutOfMemoryError("Java heap space (thrown by the test)");
                }
                published.add(index);
            });
            source.start();
            replace(file, SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("2s"));
            waitFor(() -> failures.get() > 0);
            replace(file, SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("30s"));
            // Until an index has the last change (the failed poll's own retry comes first).
            MeshIndex last;
            do {
                last = published.poll(10, TimeUnit.SECONDS);
            } while (last != null && !"30s".equals(timeout(last)));
            assertTrue(last != null, "the poller must go on after a failed poll");
            assertTrue(source.ready());
        }
    }

    /** The timeout of default/reviews' first HTTP route in {@code index}, null when it has no such VirtualService. */
    private static String timeout(MeshIndex index) {
        var virtualService = index.virtualServices().get("default/reviews");
        return virtualService == null ? null : virtualService.getSpec().getHttp().getFirst().getTimeout();
    }

    @Test
    void aSameSizeReplacementWithTheOldModificationTimeIsSeen() throws Exception {
        var file = dir.resolve("reviews.yaml");
        Files.writeString(file, SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("1s"));
        var time = Files.getLastModifiedTime(file);
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50)).load()) {
            var replacement = dir.resolve(".reviews.tmp");
            Files.writeString(replacement, SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("2s"));
            Files.setLastModifiedTime(replacement, time);
            Files.move(replacement, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertEquals(time, Files.getLastModifiedTime(file));
            assertTrue(source.scan(), "a replaced file must be read again");
            assertEquals("2s", source.current().virtualServices().get("default/reviews").getSpec().getHttp().getFirst().getTimeout());
        }
    }

    @Test
    void aBinaryFileIsNamedAsNotUtf8() throws Exception {
        Files.write(dir.resolve("binary.yaml"), new byte[] {'k', 'i', 'n', 'd', ':', ' ', (byte) 0xc3, (byte) 0x28});
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50)).load()) {
            assertEquals(java.util.List.of("binary.yaml is not valid UTF-8: byte 0xC3 at offset 6 (line 1): not YAML or JSON"), source.fileErrors());
        }
    }

    @Test
    void aDuplicateObjectIsLeftOutNamingBothFilesAndTheFirstInFileNameOrderIsKept() throws Exception {
        Files.writeString(dir.resolve("a-reviews.yaml"), SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("1s"));
        Files.writeString(dir.resolve("b-hijack.yaml"), VIRTUAL_SERVICE.formatted("99s") + "---\n"
                + SERVICE.replace("10.96.0.20", "10.96.0.99") + "---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\n"
                + "metadata: {name: reviews}\nspec: {host: reviews}\n");
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50)).load()) {
            var index = source.current();
            assertEquals("1s", index.virtualServices().get("default/reviews").getSpec().getHttp().getFirst().getTimeout());
            assertEquals("10.96.0.20", index.services().get("default/reviews").getSpec().getClusterIP());
            assertEquals(1, index.destinationRules().size(), "another kind of the same name is no duplicate");
            assertEquals(java.util.List.of(
                    "Service default/reviews: metadata.name is defined twice: in a-reviews.yaml (kept: the first in file-name order) "
                            + "and in b-hijack.yaml (this copy is left out)",
                    "VirtualService default/reviews: metadata.name is defined twice: in a-reviews.yaml (kept: the first in file-name order) "
                            + "and in b-hijack.yaml (this copy is left out)"),
                    source.readProblems().stream().map(dev.sidecarinjector.mesh.compile.Problem::describe).sorted().toList());
        }
    }

    @Test
    void aDuplicateInANewFileDoesNotTakeOverTheObjectInForce() throws Exception {
        Files.writeString(dir.resolve("reviews.yaml"), SERVICE + "---\n" + VIRTUAL_SERVICE.formatted("1s"));
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50)).load()) {
            Files.writeString(dir.resolve("a-new.yaml"), VIRTUAL_SERVICE.formatted("99s"));
            assertTrue(source.scan());
            assertEquals("1s", source.current().virtualServices().get("default/reviews").getSpec().getHttp().getFirst().getTimeout(),
                    "the one in force stays, though a-new.yaml comes first by name");
            assertEquals(java.util.List.of("VirtualService default/reviews: metadata.name is defined twice: in reviews.yaml (kept: the one in force) "
                            + "and in a-new.yaml (this copy is left out)"),
                    source.readProblems().stream().map(dev.sidecarinjector.mesh.compile.Problem::describe).toList());
            Files.delete(dir.resolve("reviews.yaml"));
            assertTrue(source.scan());
            assertEquals("99s", source.current().virtualServices().get("default/reviews").getSpec().getHttp().getFirst().getTimeout(),
                    "the other copy once the first is gone");
        }
    }

    @Test
    void anObjectEditedIntoOneTheApiServerWouldRefuseKeepsItsLastGoodVersion() throws Exception {
        var deny = """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-admin, namespace: default}
                spec:
                  %s: DENY
                  rules: [{to: [{operation: {paths: [/admin]}}]}]
                """;
        var file = dir.resolve("policy.yaml");
        Files.writeString(file, deny.formatted("action") + "---\n" + VIRTUAL_SERVICE.formatted("1s"));
        try (var source = new DirectoryMeshSource(dir, Duration.ofMillis(50)).load()) {
            assertEquals("DENY", source.current().authorizationPolicies().get("default/deny-admin").getSpec().getAction().name());
            // As kubectl apply would be refused: the DENY policy stays in force instead of vanishing (which would allow
            // /admin); the VirtualService's valid change applies.
            Files.writeString(file, deny.formatted("actoin") + "---\n" + VIRTUAL_SERVICE.formatted("2s"));
            source.scan();
            var index = source.current();
            assertEquals("DENY", index.authorizationPolicies().get("default/deny-admin").getSpec().getAction().name());
            assertEquals("2s", index.virtualServices().get("default/reviews").getSpec().getHttp().getFirst().getTimeout());
            var problems = source.readProblems().stream().map(dev.sidecarinjector.mesh.compile.Problem::describe).toList();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.getFirst().startsWith("AuthorizationPolicy default/deny-admin: spec.actoin")
                    && problems.getFirst().endsWith("; its last good version stays, as the API server would have refused the change"), problems.toString());
            // Gone from the file: gone from the mesh. New and already wrong: never applied.
            Files.writeString(file, VIRTUAL_SERVICE.formatted("2s") + "---\n" + deny.formatted("actoin").replace("deny-admin", "deny-new"));
            source.scan();
            assertEquals(java.util.Set.of(), source.current().authorizationPolicies().keySet());
            assertTrue(source.readProblems().getFirst().describe().endsWith("; the AuthorizationPolicy is left out"), source.readProblems().toString());
        }
    }

    /**
     * Replaces {@code file} with {@code text} in one step, as a ConfigMap volume's update does: a poll running meanwhile
     * could read a file {@code Files.writeString} has only half written.
     */
    private static void replace(Path file, String text) throws java.io.IOException {
        var next = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(next, text);
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (var i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertTrue(condition.getAsBoolean());
    }
}
