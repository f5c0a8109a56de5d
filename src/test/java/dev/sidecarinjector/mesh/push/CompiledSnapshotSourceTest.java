package dev.sidecarinjector.mesh.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.stream.ProxyNode;
import dev.sidecarinjector.mesh.compile.MeshCompiler;
import dev.sidecarinjector.mesh.source.DirectoryMeshSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The push layer's source over the real compiler and the directory source: what `make run` serves. */
class CompiledSnapshotSourceTest {

    private static final ProxyNode PRODUCTPAGE = new ProxyNode("default", "productpage-v1-7b9c6d5f4a-p8r6t", "10.244.1.9", "bookinfo-productpage");

    @Test
    void servesTheCompiledSnapshotOfTheExampleAndSignalsChanges(@TempDir Path dir) throws Exception {
        for (var file : new String[] {"productpage.yaml", "reviews.yaml", "reviews-routing.yaml"}) {
            Files.copy(Path.of("examples/mesh", file), dir.resolve(file));
        }
        try (var mesh = new DirectoryMeshSource(dir, Duration.ofMillis(100))) {
            var source = new CompiledSnapshotSource(mesh, new MeshCompiler("cluster.local", "istio-system"));
            assertFalse(source.ready(), "not ready before the directory was read once");
            mesh.start();
            assertTrue(source.ready());
            var changed = new CountDownLatch(1);
            source.onChange(changed::countDown);

            var snapshot = source.snapshotFor(PRODUCTPAGE);
            assertEquals("productpage-v1", snapshot.workload().name());
            var reviews = snapshot.routeTables().stream().filter(t -> t.name().equals("reviews.default.svc.cluster.local:9080")).findFirst().orElseThrow();
            assertEquals("default/reviews", reviews.virtualService());
            assertEquals(90, reviews.routes().getFirst().destinations().getFirst().weight());

            assertThrows(SnapshotSource.UnknownProxy.class, () -> source.snapshotFor(new ProxyNode("default", "ghost", "", "default")));

            Files.writeString(dir.resolve("reviews-routing.yaml"), Files.readString(dir.resolve("reviews-routing.yaml"))
                    .replace("weight: 90", "weight: 50").replace("weight: 10", "weight: 50"));
            assertTrue(changed.await(10, TimeUnit.SECONDS), "a changed file is a change for the push layer");
            var after = source.snapshotFor(PRODUCTPAGE).routeTables().stream()
                    .filter(t -> t.name().equals("reviews.default.svc.cluster.local:9080")).findFirst().orElseThrow();
            assertEquals(50, after.routes().getFirst().destinations().getFirst().weight());
        }
    }

    @Test
    void newlyFetchedKeysAreAChangeAndReachTheSnapshot(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("examples/mesh", "productpage.yaml"), dir.resolve("productpage.yaml"));
        Files.writeString(dir.resolve("jwt.yaml"), """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: jwt, namespace: default}
                spec:
                  jwtRules:
                  - issuer: https://issuer.example
                    jwksUri: https://issuer.example/jwks
                """);
        var keys = new java.util.concurrent.atomic.AtomicReference<String>();
        var listeners = new java.util.concurrent.CopyOnWriteArrayList<Runnable>();
        var lookup = new dev.sidecarinjector.mesh.compile.JwksLookup() {
            @Override
            public String jwks(String uri) {
                return uri.equals("https://issuer.example/jwks") ? keys.get() : null;
            }

            @Override
            public void onChange(Runnable listener) {
                listeners.add(listener);
            }
        };
        try (var mesh = new DirectoryMeshSource(dir, Duration.ofHours(1))) {
            mesh.load();
            var source = new CompiledSnapshotSource(mesh, new MeshCompiler("cluster.local", "istio-system", lookup));
            var changed = new CountDownLatch(1);
            source.onChange(changed::countDown);
            assertEquals("", source.snapshotFor(PRODUCTPAGE).inboundPolicy().requestAuthentication().getFirst().jwks(), "no keys yet");
            keys.set("{\"keys\":[]}");
            listeners.forEach(Runnable::run);
            assertTrue(changed.await(10, TimeUnit.SECONDS), "new keys are a change for the push layer");
            assertEquals("{\"keys\":[]}", source.snapshotFor(PRODUCTPAGE).inboundPolicy().requestAuthentication().getFirst().jwks());
        }
    }
}
