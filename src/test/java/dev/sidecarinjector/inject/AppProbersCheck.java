package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.api.probe.AppProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What every injected golden pod must satisfy about the probe rewrite, beyond its expected file: the proxy's
 * ISTIO_KUBE_APP_PROBERS, as kubelet hands it to the proxy ({@code $$} read as {@code $}), parses with the proxy's own
 * parser (mesh-api's {@link AppProbe#parse}); its keys are sorted; and it has exactly one probe for each app probe
 * that kubelet now sends to the status port, and none else.
 */
final class AppProbersCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROBES = List.of("readinessProbe", "livenessProbe", "startupProbe");

    private AppProbersCheck() {
    }

    /** The document decoded for the golden file (pretty JSON for the reviewer), or null when the proxy has none. */
    static JsonNode check(JsonNode pod, int statusPort) throws Exception {
        String value = null;
        var onStatusPort = new TreeSet<String>();
        for (var list : List.of("initContainers", "containers")) {
            for (var container : pod.path("spec").path(list)) {
                var name = container.path("name").asText();
                if (name.equals(SidecarRenderer.PROXY_NAME)) {
                    for (var env : container.path("env")) {
                        if (env.path("name").asText().equals(AppProbe.VARIABLE)) {
                            assertTrue(value == null, "one " + AppProbe.VARIABLE + " on the proxy");
                            value = env.path("value").asText();
                        }
                    }
                    continue;
                }
                for (var kind : PROBES) {
                    var httpGet = container.path(kind).path("httpGet");
                    if (httpGet.path("port").asInt() == statusPort && httpGet.path("path").asText().startsWith(AppProbe.PATH_PREFIX)) {
                        onStatusPort.add(httpGet.path("path").asText());
                    }
                }
            }
        }
        if (value == null) {
            assertEquals(new TreeSet<String>(), onStatusPort, "probes on the status port, and no " + AppProbe.VARIABLE + " on the proxy");
            return null;
        }
        var document = asKubeletPassesIt(value);
        var probes = AppProbe.parse(document);
        var keys = new ArrayList<String>();
        JSON.readTree(document).fieldNames().forEachRemaining(keys::add);
        assertEquals(keys.stream().sorted().toList(), keys, "the keys of " + AppProbe.VARIABLE + " are sorted");
        assertEquals(onStatusPort, new TreeSet<>(probes.keySet()), "a proxy probe for each probe kubelet sends to the status port");
        return JSON.readTree(document);
    }

    /** Kubernetes reads {@code $$} in an env value as {@code $}; the injector escapes every dollar sign so. */
    private static String asKubeletPassesIt(String value) {
        var out = new StringBuilder();
        for (var i = 0; i < value.length(); i++) {
            var c = value.charAt(i);
            if (c == '$') {
                assertFalse(i + 1 == value.length() || value.charAt(i + 1) != '$', "an unescaped $ at " + i + " of " + value);
                i++;
            }
            out.append(c);
        }
        return out.toString();
    }
}
