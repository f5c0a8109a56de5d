package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Istio's readiness.status.sidecar.istio.io annotations time the proxy's readiness probe; a bad value is named. */
class ProxyReadinessTest {

    @Test
    void withoutTheAnnotationsTheDefaults() {
        assertSame(ProxyReadiness.DEFAULT, ProxyReadiness.of(Map.of("sidecar.istio.io/proxyCPU", "100m")));
        assertEquals(new ProxyReadiness(0, 5, 3), ProxyReadiness.DEFAULT);
    }

    @Test
    void eachAnnotationSetsItsFieldAlone() {
        assertEquals(new ProxyReadiness(10, 15, 4), ProxyReadiness.of(Map.of(Annotations.READINESS_INITIAL_DELAY, "10",
                Annotations.READINESS_PERIOD, "15", Annotations.READINESS_FAILURE_THRESHOLD, "4")));
        assertEquals(new ProxyReadiness(0, 30, 3), ProxyReadiness.of(Map.of(Annotations.READINESS_PERIOD, "30")));
        assertEquals(new ProxyReadiness(0, 5, 2147483647), ProxyReadiness.of(Map.of(Annotations.READINESS_FAILURE_THRESHOLD, "2147483647")));
        assertEquals(new ProxyReadiness(0, 0, 3), ProxyReadiness.of(Map.of(Annotations.READINESS_PERIOD, "0")));
    }

    @Test
    void aValueThatIsNoWholeNumberIsRefusedNamingTheAnnotation() {
        for (var value : new String[] {"5s", "-1", "", " 5", "1.5", "2147483648", "99999999999", "+5", "0x10"}) {
            var e = assertThrows(InvalidValueException.class, () -> ProxyReadiness.of(Map.of(Annotations.READINESS_PERIOD, value)), value);
            assertEquals("readiness.status.sidecar.istio.io/periodSeconds: \"" + value + "\" is not a whole number of seconds (0 to 2147483647, "
                    + "as a probe's field holds it)", e.getMessage());
        }
        var e = assertThrows(InvalidValueException.class, () -> ProxyReadiness.of(Map.of(Annotations.READINESS_FAILURE_THRESHOLD, "three")));
        assertEquals("readiness.status.sidecar.istio.io/failureThreshold: \"three\" is not a whole number of failures (0 to 2147483647, "
                + "as a probe's field holds it)", e.getMessage());
    }
}
