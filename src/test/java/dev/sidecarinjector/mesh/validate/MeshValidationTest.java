package dev.sidecarinjector.mesh.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One object checked alone, as the API server sends it to /validate: what the control plane would leave out is an error. */
class MeshValidationTest {

    private static final ObjectMapper YAML = new YAMLMapper();

    private static List<String> errors(String yaml) throws Exception {
        return MeshValidation.errors((ObjectNode) YAML.readTree(yaml), "demo", "cluster.local", "istio-system");
    }

    @Test
    void aValidVirtualServiceHasNoErrorsEvenWhenItsSubsetsAreDefinedElsewhere() throws Exception {
        assertEquals(List.of(), errors("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: demo}
                spec:
                  hosts: [reviews]
                  http:
                  - timeout: 2s
                    route:
                    - destination: {host: reviews, subset: v2}
                      weight: 90
                    - destination: {host: reviews, subset: v1}
                      weight: 10
                """));
    }

    @Test
    void aValueTheControlPlaneRefusesIsAnErrorNamingTheObjectTheFieldAndTheValue() throws Exception {
        assertEquals(List.of("VirtualService demo/reviews: spec.http[0].timeout: \"10x\" is not a duration (use a number and a unit: 10s, 250ms, 1m)"),
                errors("""
                        apiVersion: networking.istio.io/v1beta1
                        kind: VirtualService
                        metadata: {name: reviews}
                        spec:
                          hosts: [reviews]
                          http:
                          - timeout: 10x
                            route:
                            - destination: {host: reviews}
                        """));
    }

    @Test
    void anUnknownFieldOrAWrongTypeIsAnError() throws Exception {
        var unknown = errors("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: demo}
                spec:
                  host: reviews
                  trafficPolicy: {connectionPol: {}}
                """);
        assertEquals(1, unknown.size(), unknown::toString);
        assertTrue(unknown.getFirst().startsWith("DestinationRule demo/reviews: spec.trafficPolicy.connectionPol"), unknown::toString);
        assertTrue(unknown.getFirst().endsWith("(in request.object)"), unknown::toString);
        var mode = errors("""
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: demo}
                spec: {mtls: {mode: STRICTT}}
                """);
        assertEquals(1, mode.size(), mode::toString);
        assertTrue(mode.getFirst().startsWith("PeerAuthentication demo/default: spec.mtls.mode: \"STRICTT\""), mode::toString);
    }

    @Test
    void securityPoliciesAreCheckedAsTheControlPlaneChecksThem() throws Exception {
        assertEquals(List.of(), errors("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-get, namespace: demo}
                spec:
                  action: ALLOW
                  rules:
                  - to:
                    - operation: {methods: [GET], paths: ["/api/*"]}
                """));
        assertEquals(List.of("AuthorizationPolicy demo/typo: spec.rules[0].from[0].source.principal is not a known field; did you mean principals? "
                + "(kubectl refuses unknown fields) (in request.object)"), errors("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: typo, namespace: demo}
                spec:
                  rules:
                  - from:
                    - source: {principal: ["cluster.local/ns/demo/sa/web"]}
                """));
        assertEquals(List.of("RequestAuthentication demo/jwt: spec.jwtRules[0].issuer is missing"), errors("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: jwt, namespace: demo}
                spec:
                  jwtRules:
                  - jwksUri: https://issuer.example.com/jwks
                """));
        assertEquals(List.of("PeerAuthentication demo/ports: spec.portLevelMtls needs a spec.selector (Istio refuses port-level mTLS for a whole namespace)"),
                errors("""
                        apiVersion: security.istio.io/v1beta1
                        kind: PeerAuthentication
                        metadata: {name: ports, namespace: demo}
                        spec:
                          portLevelMtls:
                            "8080": {mode: DISABLE}
                        """));
    }

    /** What the README and the mesh tests apply is what the chart's validating webhook lets through. */
    @Test
    void theExamplesPass() throws Exception {
        var checked = 0;
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("examples/mesh"))) {
            for (var file : files.sorted().toList()) {
                try (var documents = new dev.sidecarinjector.cli.YamlDocuments(java.nio.file.Files.readString(file))) {
                    for (var document = documents.next(); document != null; document = documents.next()) {
                        var group = document.path("apiVersion").asText().contains("/") ? document.path("apiVersion").asText().split("/")[0] : "";
                        if (MeshValidation.checks(group, document.path("kind").asText())) {
                            assertEquals(List.of(), MeshValidation.errors((ObjectNode) document, "", "cluster.local", "istio-system"), file.toString());
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked >= 2, "examples checked: " + checked);
    }

    /**
     * Over the control plane's golden inputs, the objects of the kinds checked here that are refused are the ones it
     * leaves out, but for what refers to another object (a subset no DestinationRule defines), not checked here.
     */
    @Test
    void theObjectsRefusedAreTheOnesTheControlPlaneLeavesOutForThemselves() throws Exception {
        var root = java.nio.file.Path.of("src/test/resources/mesh-golden");
        var compared = 0;
        try (var dirs = java.nio.file.Files.list(root)) {
            for (var dir : dirs.sorted().toList()) {
                var refused = new java.util.TreeSet<String>();
                try (var documents = new dev.sidecarinjector.cli.YamlDocuments(java.nio.file.Files.readString(dir.resolve("input.yaml")))) {
                    for (var document = documents.next(); document != null; document = documents.next()) {
                        var group = document.path("apiVersion").asText().contains("/") ? document.path("apiVersion").asText().split("/")[0] : "";
                        if (document.isObject() && MeshValidation.checks(group, document.path("kind").asText())) {
                            MeshValidation.errors((ObjectNode) document, "", "cluster.local", "istio-system")
                                    .forEach(error -> refused.add(error.substring(0, error.indexOf(':'))));
                        }
                    }
                }
                var leftOut = new java.util.TreeSet<String>();
                var problems = dir.resolve("problems.txt");
                if (java.nio.file.Files.exists(problems)) {
                    for (var line : java.nio.file.Files.readAllLines(problems)) {
                        if (line.endsWith(" is left out") && !line.contains("is not a subset of any DestinationRule")
                                && MeshValidation.KINDS.contains(line.substring(0, line.indexOf(' ')))) {
                            leftOut.add(line.substring(0, line.indexOf(':')));
                        }
                    }
                }
                assertEquals(leftOut, refused, dir.toString());
                compared++;
            }
        }
        assertTrue(compared >= 10, "golden inputs compared: " + compared);
    }

    @Test
    void theObjectSentIsNotChanged() throws Exception {
        var object = (ObjectNode) YAML.readTree("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews}
                spec: {host: reviews}
                """);
        var before = object.deepCopy();
        assertEquals(List.of(), MeshValidation.errors(object, "demo", "cluster.local", "istio-system"));
        assertEquals(before, object);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "networking.istio.io, VirtualService, true",
        "networking.istio.io, DestinationRule, true",
        "security.istio.io, PeerAuthentication, true",
        "security.istio.io, AuthorizationPolicy, true",
        "security.istio.io, RequestAuthentication, true",
        "policy.sidecarinjector.dev, HTTPLocalRateLimitPolicy, true",
        "networking.istio.io, Gateway, false",
        "security.istio.io, VirtualService, false",
        "'', Pod, false"})
    void theKindsCheckedAreTheOnesTheControlPlaneReads(String group, String kind, boolean checked) {
        assertEquals(checked, MeshValidation.checks(group, kind));
    }
}
