package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.Container;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Override by name: the merged container's requests against its limits, as the API server checks them, refused
 * naming the container, the resource, both values and where each came from.
 */
class ResourceBoundsTest {

    private static final String FIELD = "spec.containers[1]";

    private static Container container(String yaml) throws Exception {
        return Golden.YAML.readValue(yaml, Container.class);
    }

    private static final String RENDERED = """
            name: sidecar-proxy
            image: sidecar-proxy:0.1.0
            resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
            """;

    private static void check(String declaredYaml, Map<String, String> annotations) throws Exception {
        var declared = container(declaredYaml);
        var merged = ContainerOverride.merge(container(RENDERED), declared, FIELD);
        ResourceBounds.check(merged, declared, FIELD, new InjectedResources(TemplateNames.SIDECAR, annotations, TestSettings.defaults()));
    }

    @Test
    void aDeclaredRequestAboveTheInjectedLimitIsRefusedNamingTheSetting() {
        var error = assertThrows(InvalidValueException.class, () -> check("{name: sidecar-proxy, resources: {requests: {memory: 1Gi}}}", Map.of()));
        assertEquals("spec.containers[1].resources.requests.memory: \"1Gi\" is above the memory limit \"128Mi\" of sidecar-proxy (injected: the setting "
                + "injector.proxy.memory-limit); the API server refuses a container whose request is above its limit", error.getMessage());
    }

    @Test
    void aDeclaredLimitBelowTheInjectedRequestIsRefusedNamingTheAnnotation() {
        var error = assertThrows(InvalidValueException.class, () -> check("{name: sidecar-proxy, resources: {limits: {cpu: 50m}}}",
                Map.of(Annotations.PROXY_CPU, "100m")));
        assertEquals("spec.containers[1].resources.limits.cpu: \"50m\" is below the cpu request \"100m\" of sidecar-proxy (injected: the annotation "
                + "sidecar.istio.io/proxyCPU); the API server refuses a container whose request is above its limit", error.getMessage());
    }

    @Test
    void bothDeclaredAreNamedBoth() {
        var error = assertThrows(InvalidValueException.class, () -> check("{name: sidecar-proxy, resources: {requests: {memory: 1Gi}, limits: {memory: 512Mi}}}",
                Map.of()));
        assertEquals("spec.containers[1].resources.requests.memory: \"1Gi\" is above the memory limit \"512Mi\" of sidecar-proxy "
                + "(spec.containers[1].resources.limits.memory); the API server refuses a container whose request is above its limit", error.getMessage());
    }

    @Test
    void aValueTheTemplateRendersOtherwiseIsNamedByTheTemplate() throws Exception {
        var declared = container("{name: sidecar-proxy, resources: {requests: {memory: 1Gi}}}");
        var rendered = container("{name: sidecar-proxy, resources: {limits: {memory: 100Mi}}}");
        var merged = ContainerOverride.merge(rendered, declared, FIELD);
        var error = assertThrows(InvalidValueException.class, () -> ResourceBounds.check(merged, declared, FIELD,
                new InjectedResources(TemplateNames.SIDECAR, Map.of(), TestSettings.defaults())));
        assertEquals("spec.containers[1].resources.requests.memory: \"1Gi\" is above the memory limit \"100Mi\" of sidecar-proxy (injected: the sidecar "
                + "template); the API server refuses a container whose request is above its limit", error.getMessage());
    }

    @Test
    void requestsWithinTheLimitsAndUntouchedResourcesPass() {
        assertDoesNotThrow(() -> check("{name: sidecar-proxy, resources: {requests: {memory: 128Mi}, limits: {cpu: 100m}}}", Map.of()));
        assertDoesNotThrow(() -> check("{name: sidecar-proxy, resources: {requests: {cpu: 2}}}", Map.of()), "no cpu limit to be above");
        assertDoesNotThrow(() -> check("{name: sidecar-proxy, image: auto}", Map.of()));
    }

    @Test
    void aDeclaredValueThatIsNoQuantityIsNamed() {
        var error = assertThrows(InvalidValueException.class, () -> check("{name: sidecar-proxy, resources: {requests: {memory: lots}}}", Map.of()));
        assertEquals("spec.containers[1].resources.requests.memory: \"lots\" is not a resource quantity (examples: 100m, 0.5, 64Mi, 1Gi)", error.getMessage());
    }
}
