package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proxy's resources as Istio's injection template sets them: the settings unless the pod sets one of
 * {@code proxyCPU}, {@code proxyMemory}, {@code proxyCPULimit}, {@code proxyMemoryLimit}, and then those only.
 */
class ProxyResourcesTest {

    private static String resources(Map<String, String> annotations) {
        var r = PodOverrides.read(annotations, TestSettings.defaults()).resources();
        return "requests " + r.cpuRequest().map(ResourceQuantity::text).orElse("-") + "/" + r.memoryRequest().map(ResourceQuantity::text).orElse("-")
                + " limits " + r.cpuLimit().map(ResourceQuantity::text).orElse("-") + "/" + r.memoryLimit().map(ResourceQuantity::text).orElse("-");
    }

    @Test
    void withoutTheAnnotationsTheSettingsApply() {
        assertEquals("requests 100m/64Mi limits -/128Mi", resources(Map.of()));
    }

    @Test
    void aMemoryRequestAloneReplacesTheSettingsAsInIstio() {
        assertEquals("requests -/256Mi limits -/-", resources(Map.of(Annotations.PROXY_MEMORY, "256Mi")));
    }

    @Test
    void aLimitAloneGivesThatLimitOnly() {
        assertEquals("requests -/- limits 2/-", resources(Map.of(Annotations.PROXY_CPU_LIMIT, "2")));
    }

    @Test
    void requestsAndLimitsFromTheAnnotationsOnly() {
        assertEquals("requests 250m/96Mi limits -/256Mi", resources(Map.of(Annotations.PROXY_CPU, "250m", Annotations.PROXY_MEMORY, "96Mi",
                Annotations.PROXY_MEMORY_LIMIT, "256Mi")));
    }

    @Test
    void aRequestAboveALimitBothAnnotatedIsRefusedNamingBoth() {
        var error = assertThrows(InvalidValueException.class, () -> resources(Map.of(Annotations.PROXY_MEMORY, "256Mi", Annotations.PROXY_MEMORY_LIMIT, "128Mi")));
        assertEquals("sidecar.istio.io/proxyMemory: \"256Mi\" is above the memory limit \"128Mi\" (sidecar.istio.io/proxyMemoryLimit)", error.getMessage());
    }
}
