package dev.sidecarinjector.mesh.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.KubernetesNames;
import dev.sidecarinjector.mesh.index.MeshDocuments;
import dev.sidecarinjector.mesh.index.MeshIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small rules the goldens rest on: durations, host forms, the per-namespace cache. */
class CompileRulesTest {

    @Test
    void durationsAreGoSyntaxInWholeMilliseconds() {
        assertEquals(10_000, Durations.parse("10s"));
        assertEquals(1_500, Durations.parse("1.5s"));
        assertEquals(90_000, Durations.parse("1m30s"));
        assertEquals(250, Durations.parse("250ms"));
        assertEquals(3_600_000, Durations.parse("1h"));
        assertEquals(-1, Durations.parse("10x"));
        assertEquals(-1, Durations.parse("10"));
        assertEquals(Durations.SUB_MILLISECOND, Durations.parse("1.5ms"));
        assertEquals(Durations.SUB_MILLISECOND, Durations.parse("500us"));
        assertEquals(1, Durations.parse("1000us"));
        assertEquals(-1, Durations.parse("s"));
        assertEquals("is not a whole number of milliseconds: durations are taken to the millisecond, as Istio takes them",
                assertThrows(InvalidField.class, () -> Durations.millis("spec.http[0].timeout", "0.5ms", 0)).getMessage());
        var error = assertThrows(InvalidField.class, () -> Durations.millis("spec.http[0].timeout", "10x", 0));
        assertEquals("spec.http[0].timeout", error.field);
        assertEquals("10x", error.value);
        assertEquals(dev.sidecarinjector.api.snapshot.Limits.MAX_DURATION_MS, Durations.millis("spec.http[0].timeout", "2562047h47m16.854s", 0));
        var tooLong = assertThrows(InvalidField.class, () -> Durations.millis("spec.http[0].timeout", "2562047h47m16.855s", 0));
        assertEquals("is longer than the longest duration, 2562047h47m16.854s", tooLong.getMessage());
    }

    @Test
    void hostsResolveRelativeToTheResourceNamespace() {
        assertEquals("reviews.bookinfo.svc.cluster.local", Hosts.fqdn("reviews", "bookinfo", "cluster.local"));
        assertEquals("reviews.other.svc.cluster.local", Hosts.fqdn("reviews.other", "bookinfo", "cluster.local"));
        assertEquals("reviews.other.svc.cluster.local", Hosts.fqdn("reviews.other.svc", "bookinfo", "cluster.local"));
        assertEquals("reviews.other.svc.cluster.local", Hosts.fqdn("reviews.other.svc.cluster.local", "bookinfo", "cluster.local"));
        assertEquals("*.other.svc.cluster.local", Hosts.fqdn("*.other.svc.cluster.local", "bookinfo", "cluster.local"));
        assertTrue(Hosts.covers("*.svc.cluster.local", "reviews.other.svc.cluster.local"));
        assertTrue(Hosts.covers("*", "reviews.other.svc.cluster.local"));
        // A wildcard first label is completed as a short name is, and covers what ends in what follows the *.
        assertEquals("*views.bookinfo.svc.cluster.local", Hosts.fqdn("*views", "bookinfo", "cluster.local"));
        assertTrue(Hosts.covers("*views.bookinfo.svc.cluster.local", "reviews.bookinfo.svc.cluster.local"));
        assertTrue(Hosts.covers("*views.bookinfo.svc.cluster.local", "views.bookinfo.svc.cluster.local"));
        assertTrue(!Hosts.covers("*views.bookinfo.svc.cluster.local", "reviews.other.svc.cluster.local"));
        assertTrue(Hosts.isWildcard("*views.bookinfo.svc.cluster.local") && !Hosts.isWildcard("reviews"));
    }

    @Test
    void hostsAreCheckedAsIstioChecksThem() {
        for (var good : List.of("*", "*.example.com", "reviews", "reviews.other.svc.cluster.local", "Reviews.Default", "10.96.0.20", "istio.io.",
                "*foo", "*-canary.example.com", "*foo.example.com")) {
            assertNull(Hosts.problem(good), good);
        }
        var wildcard = "is not a host name (a wildcard is * alone or * at the start of the first label: *.example.com, *-canary.example.com)";
        for (var bad : List.of("a.*.com", "f*o.com", "**.com", "*-.com", "*.", "*" + "a".repeat(63) + ".com")) {
            assertEquals(wildcard, Hosts.problem(bad), bad);
        }
        assertEquals("is not a host name (\"bad host!\" is not a DNS label: letters, digits and -, at most 63)", Hosts.problem("bad host!"));
        assertEquals("is not a host name (\"\" is not a DNS label: letters, digits and -, at most 63)", Hosts.problem("a..b"));
        assertEquals("is not a host name (its last label, \"123\", is all digits)", Hosts.problem("reviews.123"));
        assertTrue(KubernetesNames.isLabel("v1-canary", false));
        assertTrue(!KubernetesNames.isLabel("-v1", false) && !KubernetesNames.isLabel("V1", false) && KubernetesNames.isLabel("V1", true) && !KubernetesNames.isLabel("a".repeat(64), true));
    }

    @Test
    void headerNamesAreTokensAndValuesHoldNoControlCharacters() {
        assertEquals("x-b3-traceid", HeaderFields.name("X-B3-TraceId", "f"));
        assertEquals("a\tb \"quoted\"", HeaderFields.value("a\tb \"quoted\"", "f"));
        for (var bad : List.of("bad header", "x:y", "x(y)", "", "é")) {
            assertThrows(InvalidField.class, () -> HeaderFields.name(bad, "f"), bad);
        }
        for (var bad : List.of("a\r\nb", "a\nb", "a\0b", "a\u007fb")) {
            var error = assertThrows(InvalidField.class, () -> HeaderFields.value(bad, "spec.x"), bad);
            assertTrue(!Problem.invalid("VirtualService", "default", "v", error.field, error.value, error.getMessage()).describe().contains("\n"),
                    "the problem stays on one line");
        }
    }

    @Test
    void jwtClaimMatchesStayAcceptedAndNeverHoldOnASidecar() {
        // Istio routes on @request.auth.claims.* at gateways only; a VirtualService bound to the mesh as well must not be
        // left out for it. The name is no HTTP token, so no request the proxy parses can carry it: the match never holds.
        var match = new io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequestBuilder()
                .addToHeaders("@request.auth.claims.group", new io.fabric8.istio.api.api.networking.v1alpha3.StringMatchBuilder()
                        .withNewStringMatchExactType("admin").build())
                .build();
        var compiled = Matches.of(match, "spec.http[0].match[0]");
        assertEquals(java.util.Set.of("@request.auth.claims.group"), compiled.headers().keySet());
        assertThrows(InvalidField.class, () -> Matches.of(new io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequestBuilder()
                .addToHeaders("@request.auth.claims.", new io.fabric8.istio.api.api.networking.v1alpha3.StringMatch()).build(), "f"));
    }

    @Test
    void regexesAreRe2sAsTheProxyRunsThem() {
        for (var regex : List.of("/\\p{L}+", "/\\x{41}+", "(?P<name>a+)", "/v[[:digit:]]+")) {
            assertEquals(regex, Matches.regex(regex, "spec.http[0].match[0].uri.regex").value());
        }
        var possessive = assertThrows(InvalidField.class, () -> Matches.regex("/a*+", "spec.http[0].match[0].uri.regex"));
        assertEquals("spec.http[0].match[0].uri.regex", possessive.field);
        assertEquals("/a*+", possessive.value);
        assertEquals("uses a possessive quantifier (`*+`), which RE2 (Istio's regex engine) does not support", possessive.getMessage());
    }

    @Test
    void theOutboundPartIsSharedByTheProxiesOfANamespace() throws Exception {
        var parsed = MeshDocuments.read(Files.readString(Path.of("src/test/resources/mesh-golden/headless/input.yaml")), "input.yaml");
        var index = MeshIndex.of(7, parsed.resources());
        var compiler = new MeshCompiler("cluster.local", "istio-system");
        var productpage = compiler.compile(index, "default", "productpage-v1-7b9c6d5f4a-p8r6t", "7").snapshot();
        var cassandra = compiler.compile(index, "default", "cassandra-0", "7").snapshot();
        assertTrue(productpage.listeners() == cassandra.listeners(), "the listeners were compiled twice for one namespace");
        assertTrue(productpage.clusters() == cassandra.clusters(), "the clusters were compiled twice for one namespace");
        var error = assertThrows(UnknownPodException.class, () -> compiler.compile(index, "default", "nobody", "7"));
        assertEquals("pod default/nobody is not known (no Pod of that name in the mesh's sources)", error.getMessage());
    }

    @Test
    void authorizationPoliciesAreSelectedAsIstiodSelectsThemForASidecar() throws Exception {
        var parsed = MeshDocuments.read("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: mesh-wide, namespace: istio-system, creationTimestamp: "2026-01-02T00:00:00Z"}
                spec: {action: DENY, rules: [{to: [{operation: {paths: ["/debug"]}}]}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: payments-anywhere, namespace: istio-system, creationTimestamp: "2026-01-03T00:00:00Z"}
                spec: {selector: {matchLabels: {app: payment}}, rules: [{}]}
                ---
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: shop-wide, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
                spec: {}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: orders, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
                spec: {selector: {matchLabels: {app: orders}}}
                """, "inline");
        var policies = new AuthorizationPolicies(MeshIndex.of(1, parsed.resources()), "istio-system", new java.util.ArrayList<>(), new LastGood());
        assertEquals(List.of("shop/shop-wide", "istio-system/mesh-wide", "istio-system/payments-anywhere"),
                keys(policies.forWorkload("shop", Map.of("app", "payment"))), "oldest first, root namespace's selector in any namespace");
        assertEquals(List.of("shop/orders", "shop/shop-wide", "istio-system/mesh-wide"), keys(policies.forWorkload("shop", Map.of("app", "orders"))));
        assertEquals(List.of("istio-system/mesh-wide"), keys(policies.forWorkload("other", Map.of("app", "orders"))));
    }

    @Test
    void aDirectResponseBodyIsWarnedAboutOver100KbAndRefusedFrom1Mb() {
        var checker = new VirtualServiceChecker("cluster.local");
        var problems = new java.util.ArrayList<Problem>();
        var large = checker.check(directResponse("a".repeat(100 * 1024 + 1)), problems);
        assertEquals(102401, large.routes().getFirst().directResponse().body().length);
        assertEquals(List.of("VirtualService default/static: spec.http[0].directResponse.body holds 102401 bytes: large direct responses"
                + " may impact control plane performance (Istio's warning over 100 KB)"), problems.stream().map(Problem::describe).toList());
        problems.clear();
        assertNull(checker.check(directResponse("é".repeat(512 * 1024)), problems));
        assertEquals(List.of("VirtualService default/static: spec.http[0].directResponse.body.string holds 1048576 bytes: Istio refuses a"
                + " direct response of 1 MB or more; the VirtualService is left out"), problems.stream().map(Problem::describe).toList());
    }

    @Test
    void theKubernetesClientKeepsRingHashsSizeAsTheDirectoryDoes() throws Exception {
        var yaml = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: default}
                spec:
                  host: reviews
                  trafficPolicy:
                    loadBalancer:
                      consistentHash: {httpHeaderName: x-user, minimumRingSize: 4096, ringHash: {minimumRingSize: 2048}}
                """;
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        dev.sidecarinjector.mesh.source.IstioModelMapping.register(mapper);
        var fromCluster = new io.fabric8.kubernetes.client.utils.KubernetesSerialization(mapper, true)
                .unmarshal(yaml, io.fabric8.istio.api.networking.v1.DestinationRule.class);
        var fromDirectory = (io.fabric8.istio.api.networking.v1.DestinationRule) MeshDocuments.read(yaml, "inline").resources().getFirst();
        var checker = new DestinationRuleChecker("cluster.local");
        for (var rule : List.of(fromCluster, fromDirectory)) {
            var problems = new java.util.ArrayList<Problem>();
            var balancing = checker.check(rule, problems).policy().loadBalancer();
            assertEquals(List.of(), problems);
            // Istio takes the named ringHash's size over the deprecated top-level field.
            assertEquals(2048, balancing.hash().size());
            assertEquals(dev.sidecarinjector.api.snapshot.LoadBalancer.RING_HASH, balancing.policy());
        }
        var plain = new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(yaml, io.fabric8.istio.api.networking.v1.DestinationRule.class);
        assertEquals(1024, checker.check(plain, new java.util.ArrayList<>()).policy().loadBalancer().hash().size(),
                "fabric8's own mapping loses the size: the reason for IstioModelMapping");
    }

    private static io.fabric8.istio.api.networking.v1.VirtualService directResponse(String body) {
        return new io.fabric8.istio.api.networking.v1.VirtualServiceBuilder()
                .withNewMetadata().withName("static").withNamespace("default").endMetadata()
                .withNewSpec().withHosts("reviews").addNewHttp()
                .withNewDirectResponse().withStatus(200L).withNewBody()
                .withSpecifier(new io.fabric8.istio.api.api.networking.v1alpha3.HTTPBodyString(body)).endBody().endDirectResponse()
                .endHttp().endSpec().build();
    }

    private static List<String> keys(List<CheckedAuthorizationPolicy> selected) {
        return selected.stream().map(CheckedAuthorizationPolicy::key).toList();
    }
}
