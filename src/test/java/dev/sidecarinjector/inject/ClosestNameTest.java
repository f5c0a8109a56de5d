package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The closest known name to a typo, and whether it is close enough to be offered as the likely intent. */
class ClosestNameTest {

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ''           | ''          | 0
            abc          | ''          | 3
            ''           | abc         | 3
            proxyCPU     | proxyCPU    | 0
            proxyCPUs    | proxyCPU    | 1
            proxyCUP     | proxyCPU    | 1
            porxyCPU     | proxyCPU    | 1
            proxyMemory  | proxymemory | 1
            kitten       | sitting     | 3
            ca           | abc         | 3
            """)
    void distanceCountsInsertionsDeletionsSubstitutionsAndSwapsOfNeighbours(String a, String b, int expected) {
        assertEquals(expected, ClosestName.distance(a, b));
        assertEquals(expected, ClosestName.distance(b, a), "symmetric");
    }

    @Test
    void theClosestIgnoresCaseFirstThenCountsItThenGoesByName() {
        var known = Set.of("sidecar.istio.io/proxyMemory", "sidecar.istio.io/proxyMemoryLimit", "sidecar.istio.io/proxyCPU");
        assertEquals(Optional.of("sidecar.istio.io/proxyMemory"), ClosestName.among("sidecar.istio.io/proxymemory", known));
        assertEquals(Optional.of("sidecar.istio.io/proxyMemory"), ClosestName.among("SIDECAR.ISTIO.IO/PROXYMEMORY", known));
        // Equally far from both without case: the one nearer with case wins, then the first by name.
        assertEquals(Optional.of("b/Ab"), ClosestName.among("b/AB", Set.of("b/ab", "b/Ab")));
        assertEquals(Optional.of("x/aa"), ClosestName.among("x/a", Set.of("x/ab", "x/aa")));
        assertEquals(Optional.empty(), ClosestName.among("x/a", Set.of()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            sidecar.istio.io/proxyCPUs                   | sidecar.istio.io/proxyCPU                       | true
            sidecar.istio.io/excludeInboundPorts         | traffic.sidecar.istio.io/excludeInboundPorts    | true
            sidecarinjector.dev/log-dir                  | sidecarinjector.dev/log-directory               | true
            traffic.sidecar.istio.io/excludeOutboundPort | traffic.sidecar.istio.io/excludeOutboundPorts   | true
            sidecar.istio.io/injet                       | sidecar.istio.io/inject                         | true
            sidecar.istio.io/flavour                     | sidecar.istio.io/status                         | false
            sidecar.istio.io/x01                         | sidecar.istio.io/inject                         | false
            sidecar.istio.io/in                          | sidecar.istio.io/inject                         | false
            """)
    void aLikelyIntentIsJudgedOnTheNameAfterThePrefix(String written, String closest, boolean likely) {
        assertEquals(likely, ClosestName.isLikelyIntent(written, closest));
    }

    @Test
    void aHugeNameIsComparedOnItsStartOnly() {
        var huge = "sidecar.istio.io/proxyCPU" + "x".repeat(1_000_000);
        assertEquals(Optional.of("sidecar.istio.io/proxyCPU"), ClosestName.among(huge, AnnotationCheck.KNOWN));
        assertFalse(ClosestName.isLikelyIntent(huge, "sidecar.istio.io/proxyCPU"));
        assertTrue(ClosestName.isLikelyIntent("sidecar.istio.io/" + "proxyCPU".repeat(100_000) + "s", "sidecar.istio.io/" + "proxyCPU".repeat(100_000)),
                "the same first 128 characters");
    }
}
