package dev.sidecarinjector.mesh.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.api.snapshot.MtlsMode;
import dev.sidecarinjector.mesh.index.MeshDocuments;
import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A good object edited into a value Istio's validation refuses keeps its last good version, and only that. */
class LastGoodTest {

    private static final String STRICT = """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: pp-strict, namespace: default}
            spec:
              selector: {matchLabels: {app: productpage}}
              mtls: {mode: STRICT}
            """;
    private static final String PORT_ZERO = STRICT + "  portLevelMtls:\n    0: {mode: DISABLE}\n";
    private static final String REVIEWS = RouteValidationTest.REVIEWS.formatted("timeout: %s\n    route: [{destination: {host: reviews}}]");

    private final LastGood lastGood = new LastGood();
    private long version;

    private CheckedMesh compile(String... documents) throws Exception {
        var parsed = MeshDocuments.read(String.join("---\n", documents), "inline");
        lastGood.begin();
        return new CheckedMesh(MeshIndex.of(++version, parsed.resources()), "cluster.local", "istio-system", lastGood);
    }

    private static MtlsMode productpage(CheckedMesh mesh) {
        return mesh.peerAuthentications.mode("default", Map.of("app", "productpage"), 9080);
    }

    private static List<String> described(CheckedMesh mesh) {
        return mesh.problems.stream().map(Problem::describe).toList();
    }

    @Test
    void aStrictPolicyEditedIntoABadPortStaysStrictUntilItIsFixedOrDeleted() throws Exception {
        assertEquals(MtlsMode.STRICT, productpage(compile(STRICT)));

        var edited = compile(PORT_ZERO);
        assertEquals(MtlsMode.STRICT, productpage(edited), "the last good version stays");
        assertEquals(List.of("PeerAuthentication default/pp-strict: spec.portLevelMtls[0]: \"0\" is not a port (1-65535); " + LastGood.STAYS),
                described(edited));
        assertEquals(MtlsMode.STRICT, productpage(compile(PORT_ZERO)), "and stays while the edit does");

        assertEquals(MtlsMode.PERMISSIVE, productpage(compile(REVIEWS.formatted("5s"))), "deleted: gone");
        var recreated = compile(PORT_ZERO);
        assertEquals(MtlsMode.PERMISSIVE, productpage(recreated), "recreated with the mistake: never good since, left out");
        assertEquals(List.of("PeerAuthentication default/pp-strict: spec.portLevelMtls[0]: \"0\" is not a port (1-65535); the PeerAuthentication is left out"),
                described(recreated));
    }

    @Test
    void aVirtualServiceEditedIntoABadTimeoutKeepsItsRoutesAndTheFixIsTaken() throws Exception {
        assertEquals(5_000, timeout(compile(REVIEWS.formatted("5s"))));
        var edited = compile(REVIEWS.formatted("10x"));
        assertEquals(5_000, timeout(edited));
        assertEquals(1, edited.problems.size(), edited.problems::toString);
        assertEquals(false, edited.problems.getFirst().leftOut());
        assertEquals(7_000, timeout(compile(REVIEWS.formatted("7s"))), "the fix is taken");
        assertEquals(7_000, timeout(compile(REVIEWS.formatted("10x"))), "the last good version is the fixed one");
    }

    @Test
    void aNameWithALineBreakCannotForgeALogLine() {
        // Names are refused by their binding first (MeshDocuments); a problem still never writes one raw.
        var problem = Problem.invalid("VirtualService", "default", "x\n2026-12-03 00:00:00,000 INFO  [fake] fine", "spec", null, "is wrong");
        assertEquals("VirtualService default/x\\n2026-12-03 00:00:00,000 INFO  [fake] fine: spec is wrong; the VirtualService is left out",
                problem.describe());
    }

    private static long timeout(CheckedMesh mesh) {
        assertEquals(1, mesh.virtualServices.size(), mesh.problems::toString);
        return mesh.virtualServices.getFirst().routes().getFirst().timeoutMs();
    }
}
