package dev.sidecarinjector.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.Annotations;
import dev.sidecarinjector.inject.TestSettings;
import dev.sidecarinjector.namespace.NamespaceLabels;
import dev.sidecarinjector.templates.TemplateStore;
import dev.sidecarinjector.testing.Reviews;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A template from the directory that renders a bad container for one pod, from a value the pod's annotation gives it:
 * the review denies the pod naming the template, the container, the field and the value, as for a bad annotation of
 * the injector's own; never a 500, never Jackson's words.
 */
class AdmissionTemplateErrorTest {

    @TempDir
    Path dir;

    @Test
    void aValueAnAnnotationFeedsIntoATemplateIsRefusedNamingTheTemplateContainerFieldAndValue() throws Exception {
        Files.writeString(dir.resolve("debug.yaml"), """
                containers:
                - name: debug
                  image: busybox
                  ports:
                  - containerPort: {pod.annotations.get('example.com/port') ?: 9000}
                """);
        var settings = TestSettings.defaults();
        var store = new TemplateStore(Optional.of(dir), settings);
        assertEquals(Optional.empty(), store.lastError(), "the template is valid with the sample pod");
        var registry = new SimpleMeterRegistry();
        var handler = new AdmissionHandler(settings, store, labels(), new InjectionMetrics(registry), new InjectionEvents(Optional.empty(), registry));

        var review = Reviews.podCreate("demo", Map.of("app", "web"), Map.of(Annotations.TEMPLATES, "debug", "example.com/port", "http"));
        var body = Reviews.bytes(review);
        var response = handler.handle(body, body.length).get("response");

        assertFalse(response.get("allowed").asBoolean(), response::toString);
        assertTrue(response.get("patch") == null, "a refused pod carries no patch");
        assertEquals("sidecar injection failed: template debug.yaml: container \"debug\": ports[0].containerPort: \"http\" is not an integer",
                response.at("/status/message").asText());
    }

    private static NamespaceLabels labels() {
        return new NamespaceLabels() {
            @Override
            public Map<String, String> labelsOf(String namespace) {
                return Map.of("istio-injection", "enabled");
            }

            @Override
            public boolean ready() {
                return true;
            }

            @Override
            public String describe() {
                return "test";
            }
        };
    }
}
