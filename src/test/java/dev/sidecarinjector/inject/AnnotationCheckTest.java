package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.InjectionWarning.Kind;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which annotations are warned about, and that a pod cannot make the check expensive. */
class AnnotationCheckTest {

    @Test
    void everyNameTheInjectorReadsIsKnownAndNoneIsAlsoListedAsUnread() throws Exception {
        for (var field : Annotations.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                var name = (String) field.get(null);
                if (AnnotationCheck.PREFIXES.stream().anyMatch(name::startsWith)) {
                    assertTrue(AnnotationCheck.READ.contains(name), name);
                    assertEquals(List.of(), AnnotationCheck.warnings(Map.of(name, "x"), Map.of(Annotations.INJECT, "true")), name);
                }
            }
        }
        assertTrue(AnnotationCheck.READ.stream().noneMatch(IstioAnnotations.NOT_READ::contains));
        assertTrue(IstioAnnotations.DEPRECATED.keySet().stream().noneMatch(IstioAnnotations.NOT_READ::contains));
    }

    @Test
    void theInjectAnnotationIsDeprecatedUnlessTheLabelIsThereToo() {
        assertEquals(List.of(new InjectionWarning(Kind.DEPRECATED_ANNOTATION,
                        "annotation sidecar.istio.io/inject is deprecated by Istio: use the label sidecar.istio.io/inject")),
                AnnotationCheck.warnings(Map.of(Annotations.INJECT, "false"), Map.of()));
        assertEquals(List.of(), AnnotationCheck.warnings(Map.of(Annotations.INJECT, "false"), Map.of(Annotations.INJECT, "false")));
    }

    @Test
    void aProxyConfigFieldWrittenAsAnAnnotationPointsToProxyConfig() {
        assertEquals(List.of(new InjectionWarning(Kind.UNKNOWN_ANNOTATION, "unknown annotation sidecar.istio.io/holdApplicationUntilProxyStarts: "
                        + "holdApplicationUntilProxyStarts is a field of Istio's ProxyConfig, not an annotation; set it in proxy.istio.io/config, "
                        + "e.g. proxy.istio.io/config: \"holdApplicationUntilProxyStarts: true\"")),
                AnnotationCheck.warnings(Map.of("sidecar.istio.io/holdApplicationUntilProxyStarts", "true"), Map.of()));
        assertEquals(List.of(new InjectionWarning(Kind.UNKNOWN_ANNOTATION, "unknown annotation proxy.istio.io/terminationdrainduration: "
                        + "terminationDrainDuration is a field of Istio's ProxyConfig, not an annotation; set it in proxy.istio.io/config, "
                        + "e.g. proxy.istio.io/config: \"terminationDrainDuration: ...\" (this injector reads only holdApplicationUntilProxyStarts there)")),
                AnnotationCheck.warnings(Map.of("proxy.istio.io/terminationdrainduration", "30 s"), Map.of()));
    }

    @Test
    void otherPrefixesAreNotLookedAt() {
        assertEquals(List.of(), AnnotationCheck.warnings(Map.of("vault.hashicorp.com/agent-injekt", "true", "istio.io/rev", "canary",
                "example.com/sidecar.istio.io/x", "1", "sidecar.istio.io", "1", "example.com/status.sidecar.istio.io/port", "0"), Map.of()));
    }

    /**
     * Istio reads these for its status port and the app's readiness; here they change nothing, and the pod is told.
     * The readiness probe's timing is read ({@link ProxyReadiness}), so no warning.
     */
    @Test
    void istiosApplicationPortsAnnotationIsSaidToBeUnread() {
        var annotations = new java.util.TreeMap<String, String>();
        for (var name : List.of("initialDelaySeconds", "periodSeconds", "failureThreshold", "applicationPorts")) {
            annotations.put("readiness.status.sidecar.istio.io/" + name, "1");
        }
        annotations.put("status.sidecar.istio.io/port", "0");
        assertEquals(List.of(
                        "annotation readiness.status.sidecar.istio.io/applicationPorts is Istio's, but this injector does not read it: it has no effect"),
                AnnotationCheck.warnings(annotations, Map.of()).stream().map(InjectionWarning::message).toList());
        assertTrue(AnnotationCheck.warnings(annotations, Map.of()).stream().allMatch(warning -> warning.kind() == Kind.UNSUPPORTED_ANNOTATION));
        assertEquals(List.of(new InjectionWarning(Kind.UNKNOWN_ANNOTATION, "unknown annotation readiness.status.sidecar.istio.io/periodSecond: "
                        + "did you mean readiness.status.sidecar.istio.io/periodSeconds?")),
                AnnotationCheck.warnings(Map.of("readiness.status.sidecar.istio.io/periodSecond", "5"), Map.of()));
        assertEquals(List.of(new InjectionWarning(Kind.UNKNOWN_ANNOTATION, "unknown annotation status.sidecar.istio.io/prot: "
                        + "did you mean status.sidecar.istio.io/port?")),
                AnnotationCheck.warnings(Map.of("status.sidecar.istio.io/prot", "15020"), Map.of()));
    }

    @Test
    void thousandsOfUnknownAnnotationsGiveNineWarnings() {
        var annotations = new HashMap<String, String>();
        for (var i = 0; i < 5_000; i++) {
            annotations.put("sidecar.istio.io/" + "p".repeat(200) + i, "x");
        }
        var warnings = AnnotationCheck.warnings(annotations, Map.of());
        assertEquals(CappedWarnings.NAMED + 1, warnings.size());
        assertEquals("4992 more unknown annotations under these prefixes (the first 8 are named)", warnings.getLast().message());
        assertTrue(warnings.stream().allMatch(warning -> warning.kind() == Kind.UNKNOWN_ANNOTATION && warning.message().length() < 200), warnings::toString);
    }

    @Test
    void theCatalogueHasIstiosDeprecatedNamesWithTheirReplacements() {
        assertEquals(Arrays.asList("proxy.istio.io/config proxyStatsMatcher.inclusionRegexps", "the annotation istio.io/reroute-virtual-interfaces"),
                Arrays.asList(IstioAnnotations.DEPRECATED.get("sidecar.istio.io/statsInclusionRegexps"),
                        IstioAnnotations.DEPRECATED.get("traffic.sidecar.istio.io/kubevirtInterfaces")));
        // userVolume is Istio's and not deprecated (istio.io/api annotation/annotations.yaml).
        assertTrue(IstioAnnotations.NOT_READ.contains("sidecar.istio.io/userVolume") && !IstioAnnotations.DEPRECATED.containsKey("sidecar.istio.io/userVolume"));
    }
}
