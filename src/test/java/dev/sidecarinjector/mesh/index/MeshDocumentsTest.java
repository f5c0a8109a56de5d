package dev.sidecarinjector.mesh.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.mesh.compile.Problem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How documents bind: what kubectl and the API server refuse is left out with the field and value named, never read as a default. */
class MeshDocumentsTest {

    private static String only(String yaml) throws MeshDocumentException {
        var parsed = MeshDocuments.read(yaml, "mesh.yaml");
        assertEquals(List.of(), parsed.resources(), "the resource must be left out");
        assertEquals(1, parsed.problems().size(), parsed.problems()::toString);
        return parsed.problems().getFirst().describe();
    }

    private static final String POLICY = """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-get}
            spec:
              %s
            """;

    /** A VirtualService for reviews with one http route: {@code %s} is that route's YAML after its dash. */
    private static final String ONE_ROUTE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - %s
            """;

    @Test
    void anUnknownEnumValueIsRefusedWithTheAllowedValues() throws Exception {
        // deny too: the CRDs' enums are case-sensitive, as the API server is (fabric8's take any case).
        for (var action : List.of("DENNY", "deny")) {
            assertEquals("AuthorizationPolicy default/deny-get: spec.action: \"" + action + "\" is not one of ALLOW, AUDIT, CUSTOM, DENY (in mesh.yaml); "
                    + "the AuthorizationPolicy is left out", only(POLICY.formatted("action: " + action)));
        }
        assertTrue(only("""
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default}
                spec: {mtls: {mode: STRIKT}}
                """).startsWith("PeerAuthentication default/default: spec.mtls.mode: \"STRIKT\" is not one of DISABLE, PERMISSIVE, STRICT, UNSET"));
        var dr = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews}
                spec:
                  host: reviews
                  trafficPolicy: %s
                """;
        for (var written : List.of("FASTEST", "round_robin")) {
            var simple = only(dr.formatted("{loadBalancer: {simple: " + written + "}}"));
            assertTrue(simple.contains("spec.trafficPolicy.loadBalancer.simple: \"" + written + "\" is not one of"), simple);
        }
        var tls = only(dr.formatted("{tls: {mode: BOGUS}}"));
        assertTrue(tls.contains("spec.trafficPolicy.tls.mode: \"BOGUS\" is not one of DISABLE, ISTIO_MUTUAL, MUTUAL, SIMPLE"), tls);
    }

    @Test
    void anUnknownFieldIsRefusedWithItsPathAndTheLikelyName() throws Exception {
        assertEquals("AuthorizationPolicy default/deny-get: spec.actoin is not a known field; did you mean action? (kubectl refuses unknown fields)"
                + " (in mesh.yaml); the AuthorizationPolicy is left out", only(POLICY.formatted("actoin: DENY")));
        assertTrue(only(POLICY.formatted("selector: {matchLables: {app: x}}"))
                .contains("spec.selector.matchLables is not a known field; did you mean matchLabels?"));
        assertTrue(only(ONE_ROUTE.formatted("route: [{destination: {host: reviews}}]\n    timout: 10s"))
                .contains("spec.http[0].timout is not a known field; did you mean timeout?"));
        assertTrue(only("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews}
                spec: {host: reviews, trafficPolicy: {outlierDetecton: {consecutive5xxErrors: 1}}}
                """).contains("spec.trafficPolicy.outlierDetecton is not a known field; did you mean outlierDetection?"));
        assertTrue(only("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews}
                spec: {host: reviews, trafficPolicy: {loadBalancer: {simpel: ROUND_ROBIN}}}
                """).contains("spec.trafficPolicy.loadBalancer.simpel is not a known field"));
        assertTrue(only("""
                apiVersion: policy.sidecarinjector.dev/v1alpha1
                kind: HTTPLocalRateLimitPolicy
                metadata: {name: limit}
                spec: {total: {requestsPerSecnd: 10}}
                """).contains("spec.total.requestsPerSecnd is not a known field; did you mean requestsPerSecond?"));
    }

    @Test
    void metadataAndStatusAsTheClusterWritesThemAreRead() throws Exception {
        var parsed = MeshDocuments.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: default
                  uid: 6b1c7a2e-0000-4000-8000-000000000001
                  resourceVersion: "1234"
                  generation: 3
                  creationTimestamp: "2026-01-01T00:00:00Z"
                  labels: {app: reviews}
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}
                  finalizers: [example.com/keep]
                  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: x}]
                  managedFields: [{manager: kubectl, operation: Apply, apiVersion: networking.istio.io/v1, fieldsType: FieldsV1, fieldsV1: {f:spec: {}}}]
                spec:
                  hosts: [reviews]
                  http:
                  - match: [{uri: {prefix: /r}, headers: {end-user: {exact: jason}}}]
                    route: [{destination: {host: reviews, subset: v2, port: {number: 9080}}, weight: 100}]
                    retries: {attempts: 3, perTryTimeout: 2s, retryOn: 5xx}
                    timeout: 10s
                status:
                  observedGeneration: 3
                  conditions: [{type: Reconciled, status: "True"}]
                  validationMessages: [{type: {code: IST0101}}]
                  somethingNewer: 1
                """, "vs.yaml");
        assertEquals(List.of(), parsed.problems());
        assertEquals(1, parsed.resources().size());
    }

    @Test
    void namesTheApiServerRefusesAreRefused() throws Exception {
        assertEquals("AuthorizationPolicy default/Bad_Name!: metadata.name: \"Bad_Name!\" is not a Kubernetes object name (lowercase letters, "
                + "digits, '-' and '.', at most 253 characters); the API server refuses it (in mesh.yaml); the AuthorizationPolicy is left out",
                only(POLICY.replace("deny-get", "\"Bad_Name!\"").formatted("action: DENY")));
        assertTrue(only(POLICY.replace("{name: deny-get}", "{name: deny-get, namespace: Bad_NS}").formatted("action: DENY"))
                .startsWith("AuthorizationPolicy Bad_NS/deny-get: metadata.namespace: \"Bad_NS\" is not a namespace name"));
        assertTrue(only("""
                apiVersion: v1
                kind: Service
                metadata: {name: 1st.reviews}
                spec: {ports: [{port: 80}]}
                """).startsWith("Service default/1st.reviews: metadata.name: \"1st.reviews\" is not a Service name"));
    }

    @Test
    void aSlipInAKindIsRefusedAndIstiosOtherKindsAreSaidToBeIgnored() throws Exception {
        assertEquals("Virtualservice default/reviews: kind: \"Virtualservice\" is not a kind this control plane reads; did you mean VirtualService? "
                + "(in mesh.yaml); the Virtualservice is left out", only("""
                apiVersion: networking.istio.io/v1
                kind: Virtualservice
                metadata: {name: reviews}
                spec: {hosts: [reviews]}
                """));
        assertTrue(only("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: external}
                spec: {hosts: [api.example.com]}
                """).startsWith("ServiceEntry default/external: kind: \"ServiceEntry\" is Istio's, but this control plane does not read it (it reads "
                + "AuthorizationPolicy, DestinationRule, EndpointSlice, "));
        for (var other : List.of("apiVersion: v1\nkind: Endpoints\nmetadata: {name: reviews}\n",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: reviews}\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")) {
            var parsed = MeshDocuments.read(other, "mesh.yaml");
            assertEquals(List.of(), parsed.problems(), other);
            assertEquals(List.of(), parsed.resources(), other);
        }
    }

    @Test
    void aDocumentThatIsNoObjectIsNamedByWhereItIs() throws Exception {
        var parsed = MeshDocuments.read("--- !!binary AAAA\n--- [a, b]\n", "f.yaml");
        assertEquals(List.of("f.yaml document 1: \"AAAA\" is not a Kubernetes object (a mapping with apiVersion and kind); it is left out",
                "f.yaml document 2: \"[\"a\",\"b\"]\" is not a Kubernetes object (a mapping with apiVersion and kind); it is left out"),
                parsed.problems().stream().map(dev.sidecarinjector.mesh.compile.Problem::describe).toList());
    }

    @Test
    void aQuotedNumberIsNotANumber() throws Exception {
        assertTrue(only(ONE_ROUTE.formatted("route: [{destination: {host: reviews}, weight: \"60\"}]"))
                .contains("spec.http[0].route[0].weight: \"60\" is not an integer"));
        assertTrue(only(ONE_ROUTE.formatted("fault: {abort: {httpStatus: 503, percentage: {value: \"50\"}}}\n    route: [{destination: {host: reviews}}]"))
                .contains("spec.http[0].fault.abort.percentage.value: \"50\" is not a number"));
        var huge = only(ONE_ROUTE.formatted("route: [{destination: {host: reviews}, weight: 99999999999}]"));
        assertTrue(huge.contains("spec.http[0].route[0].weight: \"99999999999\" is larger than a 32-bit integer holds (2147483647)"), huge);
        var empty = only("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec: \"\"\n");
        assertTrue(empty.contains("VirtualService default/reviews: spec is empty: write its fields under it, or leave it out"), empty);
    }

    @Test
    void anEmptyPlainValueIsNullAsKubectlReadsIt() throws Exception {
        // "spec:" with nothing after it is null to go-yaml: the object is read without a spec (its checks then say so).
        var parsed = MeshDocuments.read("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews, labels:}\nspec:\n", "f.yaml");
        assertEquals(List.of(), parsed.problems());
        assertEquals(1, parsed.resources().size());
    }

    @Test
    void aNumberIsNotAStringNorAFractionAnInteger() throws Exception {
        assertTrue(only(ONE_ROUTE.formatted("route: [{destination: {host: reviews}, weight: 50.5}]"))
                .contains("spec.http[0].route[0].weight: \"50.5\" is not an integer"));
        assertTrue(only("""
                apiVersion: v1
                kind: Pod
                metadata: {name: reviews, labels: {version: 1.10}}
                """).contains("metadata.labels.version: \"1.1\" is not a string"));
    }

    @Test
    void aValueOfTheWrongShapeSaysWhatWasExpected() throws Exception {
        var message = only("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews}
                spec: {hosts: reviews}
                """);
        assertTrue(message.contains("spec.hosts: \"reviews\" is not a list"), message);
        assertTrue(only("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews}
                spec: {hosts: [reviews], http: [{timeout: [1, 2]}]}
                """).contains("spec.http[0].timeout: \"[1,2]\" is not a string"));
        assertTrue(only("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews}
                spec: {hosts: [reviews], http: [{retries: 3}]}
                """).contains("spec.http[0].retries: \"3\" is not an object"));
    }

    @Test
    void aWrongOrMissingApiVersionAndABadListAreNamed() throws Exception {
        assertTrue(only("""
                apiVersion: networking.istio.io/v1beta
                kind: VirtualService
                metadata: {name: reviews}
                spec: {hosts: [reviews]}
                """).contains("VirtualService default/reviews: apiVersion: \"networking.istio.io/v1beta\" is not one of networking.istio.io/v1, "
                + "networking.istio.io/v1alpha3, networking.istio.io/v1beta1"));
        assertTrue(only("""
                kind: VirtualService
                metadata: {name: reviews}
                """).contains("VirtualService default/reviews: apiVersion is missing"));
        assertTrue(only("""
                apiVersion: v1
                kind: List
                items: {not: a list}
                """).contains("List default/(no name): items: \"{\"not\":\"a list\"}\" is not a list"));
    }

    @Test
    void yamlIsReadAsKubectlReadsIt() throws Exception {
        var parsed = MeshDocuments.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews}
                spec:
                  hosts: [reviews]
                  http:
                  - match: [{uri: {prefix: /a}}]
                    route: &r [{destination: {host: reviews}}]
                  - route: *r
                """, "vs.yaml");
        assertEquals(List.of(), parsed.problems());
        var duplicate = assertThrows(MeshDocumentException.class, () -> MeshDocuments.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews}
                spec:
                  hosts: [reviews]
                  http:
                  - route: [{destination: {host: reviews}}]
                    timeout: 1s
                    timeout: 100s
                """, "vs.yaml")).getMessage();
        assertTrue(duplicate.contains("mapping key \"timeout\" already defined"), duplicate);
    }

    @Test
    void jsonIsReadAsJsonTabsAndAll() throws Exception {
        var parsed = MeshDocuments.read("{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Service\",\n\t\"metadata\": {\"name\": \"reviews\"}\n}\n", "svc.json");
        assertEquals(List.of(), parsed.problems());
        assertEquals(1, parsed.resources().size());
        var broken = assertThrows(MeshDocumentException.class, () -> MeshDocuments.read("{\n\t\"kind\": \n}", "svc.json")).getMessage();
        assertTrue(broken.startsWith("svc.json (line 3, column 1): not JSON: "), broken);
        var tabs = assertThrows(MeshDocumentException.class, () -> MeshDocuments.read("kind: Service\n\tmetadata: {}\n", "svc.yaml")).getMessage();
        assertTrue(tabs.contains("(line 2, column 1)") && !tabs.contains("line 1"), tabs);
    }

    @Test
    void textIsReadAsKubectlReadsAManifest() throws Exception {
        var message = assertThrows(MeshDocumentException.class,
                () -> MeshDocuments.text(new byte[] {'k', 'i', (byte) 0xff, 0}, "binary.yaml")).getMessage();
        assertEquals("binary.yaml is not valid UTF-8: byte 0xFF at offset 2 (line 1): not YAML or JSON", message);
        var service = "apiVersion: v1\nkind: Service\nmetadata: {name: caf\u00e9s}\n";
        assertEquals(service, MeshDocuments.text(("\ufeff" + service).getBytes(StandardCharsets.UTF_16LE), "utf16.yaml"), "UTF-16 with its mark");
        assertEquals("utf16.yaml looks like UTF-16LE without a byte order mark (a NUL at offset 1): save it as UTF-8, or as UTF-16 with a "
                        + "byte order mark: not YAML or JSON",
                assertThrows(MeshDocumentException.class, () -> MeshDocuments.text(service.getBytes(StandardCharsets.UTF_16LE), "utf16.yaml")).getMessage());
    }
}
