package dev.sidecarinjector.proxy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.net.Ipv4;
import dev.sidecarinjector.api.snapshot.AuthzPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Istio's documented AuthorizationPolicy examples (istio.io reference and security tasks, and the design document's
 * {@code payment-service-policy}), each with requests it must allow and deny. The policies are written in the
 * snapshot's form, which keeps Istio's {@code spec} shape: {@code rules[].from[].source}, {@code to[].operation},
 * {@code when[]}.
 */
class IstioExamplesTest {

    static final String CURL = "cluster.local/ns/default/sa/curl";
    static final String ORDER = "cluster.local/ns/production/sa/order-service";
    static final String REFUND = "cluster.local/ns/production/sa/refund-service";
    static final String OTHER = "cluster.local/ns/production/sa/reporting";

    /** One example: its policies (JSON in the snapshot's form), the requests it allows and those it denies. */
    record Example(String name, String policies, List<Req> allowed, List<Req> denied) {
    }

    static List<Example> examples() {
        var out = new ArrayList<Example>();
        out.add(new Example("allow-nothing (spec: {})", """
                [{"namespace": "foo", "name": "allow-nothing", "action": "ALLOW"}]""",
                List.of(), List.of(http().principal(CURL), http().method("POST").path("/"), tcp(9000))));
        out.add(new Example("deny-all (DENY, rules: [{}])", """
                [{"namespace": "foo", "name": "deny-all", "action": "DENY", "rules": [{}]}]""",
                List.of(), List.of(http().principal(CURL), tcp(9000))));
        out.add(new Example("allow-all (rules: [{}])", """
                [{"namespace": "foo", "name": "allow-all", "action": "ALLOW", "rules": [{}]}]""",
                List.of(http(), http().principal(CURL), tcp(9000)), List.of()));
        // istio.io reference: ALLOW from curl or namespace test, to GET /info* or POST /data, with a Google token.
        out.add(new Example("httpbin (reference)", """
                [{"namespace": "foo", "name": "httpbin", "action": "ALLOW", "rules": [{
                  "from": [{"source": {"principals": ["cluster.local/ns/default/sa/curl"]}}, {"source": {"namespaces": ["test"]}}],
                  "to": [{"operation": {"methods": ["GET"], "paths": ["/info*"]}}, {"operation": {"methods": ["POST"], "paths": ["/data"]}}],
                  "when": [{"key": "request.auth.claims[iss]", "values": ["https://accounts.google.com"]}]}]}]""",
                List.of(http().principal(CURL).path("/info/a").auth(google()), http().principal("cluster.local/ns/test/sa/x").method("POST").path("/data").auth(google())),
                List.of(http().principal(CURL).path("/info/a"), http().principal(CURL).method("POST").path("/info").auth(google()),
                        http().principal("cluster.local/ns/prod/sa/x").path("/info").auth(google()), http().path("/info").auth(google()))));
        // istio.io reference: deny POST from namespace dev.
        out.add(new Example("deny POST from dev (reference)", """
                [{"namespace": "foo", "name": "deny-dev-post", "action": "DENY", "rules": [{
                  "from": [{"source": {"namespaces": ["dev"]}}], "to": [{"operation": {"methods": ["POST"]}}]}]}]""",
                List.of(http().principal("cluster.local/ns/dev/sa/a"), http().principal("cluster.local/ns/prod/sa/a").method("POST"), http().method("POST")),
                List.of(http().principal("cluster.local/ns/dev/sa/a").method("POST"))));
        // Task "Explicit deny": deny GET, and deny unless from ns foo (notNamespaces).
        out.add(new Example("deny-method-get + deny-not-foo (authz-deny task)", """
                [{"namespace": "foo", "name": "deny-method-get", "action": "DENY", "rules": [{"to": [{"operation": {"methods": ["GET"]}}],
                   "when": [{"key": "request.headers[x-token]", "notValues": ["admin"]}]}]},
                 {"namespace": "foo", "name": "deny-not-foo", "action": "DENY", "rules": [{"from": [{"source": {"notNamespaces": ["foo"]}}]}]}]""",
                List.of(http().principal("cluster.local/ns/foo/sa/curl").header("x-token", "admin"),
                        http().principal("cluster.local/ns/foo/sa/curl").method("POST")),
                List.of(http().principal("cluster.local/ns/foo/sa/curl"), http().principal("cluster.local/ns/foo/sa/curl").header("x-token", "guest"),
                        http().principal("cluster.local/ns/bar/sa/curl").method("POST"), http().method("POST"))));
        // A DENY beats an ALLOW.
        out.add(new Example("DENY over ALLOW", """
                [{"namespace": "foo", "name": "allow-get", "action": "ALLOW", "rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]},
                 {"namespace": "foo", "name": "deny-admin", "action": "DENY", "rules": [{"to": [{"operation": {"paths": ["/admin*"]}}]}]}]""",
                List.of(http().path("/"), http().path("/public/admin")),
                List.of(http().path("/admin"), http().path("/admin/users"), http().path("/public/../admin"), http().method("POST"))));
        // Task "Authorization on ingress gateway"/ip list: ipBlocks and remoteIpBlocks (from X-Forwarded-For).
        out.add(new Example("ipBlocks", """
                [{"namespace": "foo", "name": "ingress-policy", "action": "ALLOW", "rules": [{"from": [{"source": {"ipBlocks": ["1.2.3.4", "5.6.7.0/24"]}}]}]}]""",
                List.of(http().source("1.2.3.4"), http().source("5.6.7.200"), tcp(9000).source("5.6.7.1")),
                List.of(http().source("1.2.3.5"), http().source("5.6.8.1"), tcp(9000).source("10.0.0.1"))));
        out.add(new Example("remoteIpBlocks (DENY)", """
                [{"namespace": "foo", "name": "deny-remote", "action": "DENY", "rules": [{"from": [{"source": {"remoteIpBlocks": ["203.0.113.0/24"]}}]}]}]""",
                List.of(http().source("203.0.113.7").xff("198.51.100.1"), http().source("10.0.0.1")),
                List.of(http().source("10.0.0.1").xff("198.51.100.1, 203.0.113.9"), tcp(9000).source("203.0.113.7"))));
        // Reference: a header condition with a prefix value.
        out.add(new Example("when request.headers", """
                [{"namespace": "foo", "name": "versions", "action": "ALLOW", "rules": [{"when": [
                  {"key": "request.headers[version]", "values": ["v1", "v2"]}, {"key": "request.headers[User-Agent]", "values": ["Mozilla/*"]}]}]}]""",
                List.of(http().header("version", "v1").header("user-agent", "Mozilla/5.0")),
                List.of(http().header("version", "v3").header("user-agent", "Mozilla/5.0"), http().header("version", "v1"), http())));
        // Task "JWT": require a token (DENY notRequestPrincipals *), and ALLOW one principal.
        out.add(new Example("require JWT (requestPrincipals)", """
                [{"namespace": "foo", "name": "require-jwt", "action": "DENY", "rules": [{"from": [{"source": {"notRequestPrincipals": ["*"]}}]}]},
                 {"namespace": "foo", "name": "allow-tester", "action": "ALLOW", "rules": [{
                   "from": [{"source": {"requestPrincipals": ["testing@secure.istio.io/testing@secure.istio.io"]}}],
                   "when": [{"key": "request.auth.claims[groups]", "values": ["group1"]}]}]}]""",
                List.of(http().auth(tester(List.of("group1", "group2")))),
                List.of(http(), http().auth(tester(List.of("group2"))), http().auth(jwt("https://other", "x", List.of(), List.of("group1"))))));
        out.add(new Example("requestPrincipals forms", """
                [{"namespace": "foo", "name": "forms", "action": "ALLOW", "rules": [{"from": [{"source": {
                  "requestPrincipals": ["https://issuer.example.com/*", "*@partner.example.com"]}}],
                  "when": [{"key": "request.auth.audiences", "values": ["payments*"]}, {"key": "request.auth.presenter", "notValues": ["bad-app"]}]}]}]""",
                List.of(http().auth(jwt("https://issuer.example.com", "alice", List.of("payments-api"), List.of())),
                        http().auth(jwt("https://idp", "bob@partner.example.com", List.of("payments"), List.of()))),
                List.of(http().auth(jwt("https://issuer.example.com", "alice", List.of("orders"), List.of())),
                        http().auth(jwt("https://issuer.example.org", "alice", List.of("payments"), List.of())),
                        http().auth(new RequestAuth("https://issuer.example.com/alice", List.of("payments"), "bad-app", Map.of())))));
        // The design document's policy.
        out.add(new Example("payment-service-policy (design document)", """
                [{"namespace": "production", "name": "payment-service-policy", "action": "ALLOW", "rules": [{
                  "from": [{"source": {"principals": ["cluster.local/ns/production/sa/order-service", "cluster.local/ns/production/sa/refund-service"]}}],
                  "to": [{"operation": {"methods": ["POST"], "paths": ["/api/v1/charge", "/api/v1/refund"]}}]}]}]""",
                List.of(http().principal(ORDER).method("POST").path("/api/v1/charge"), http().principal(REFUND).method("POST").path("/api/v1/refund?id=1")),
                List.of(http().principal(OTHER).method("POST").path("/api/v1/charge"), http().principal(ORDER).path("/api/v1/charge"),
                        http().method("POST").path("/api/v1/charge"), http().principal(ORDER).method("POST").path("/api/v1/charges"),
                        tcp(9000).principal(ORDER))));
        // Task "TCP traffic": ports; HTTP-only fields on a TCP port drop an ALLOW rule and are left out of a DENY rule.
        out.add(new Example("tcp ports (authz-tcp task)", """
                [{"namespace": "foo", "name": "tcp-policy", "action": "ALLOW", "rules": [{"to": [{"operation": {"ports": ["9000", "9001"]}}]}]}]""",
                List.of(tcp(9000), tcp(9001), http().port(9000)), List.of(tcp(9002))));
        out.add(new Example("tcp ALLOW with methods matches nothing", """
                [{"namespace": "foo", "name": "tcp-policy", "action": "ALLOW", "rules": [{"to": [{"operation": {"methods": ["GET"], "ports": ["9000"]}}]}]}]""",
                List.of(http().port(9000)), List.of(tcp(9000), http().method("POST").port(9000))));
        out.add(new Example("tcp DENY with methods denies by port alone", """
                [{"namespace": "foo", "name": "tcp-policy", "action": "DENY", "rules": [{"to": [{"operation": {"methods": ["GET"], "ports": ["9000"]}}]}]}]""",
                List.of(tcp(9001), http().method("POST").port(9000)), List.of(tcp(9000), http().port(9000))));
        // Hosts ignore case; serviceAccounts; notPorts; destination.ip.
        out.add(new Example("hosts, serviceAccounts, notPorts, destination.ip", """
                [{"namespace": "foo", "name": "misc", "action": "ALLOW", "rules": [{
                  "from": [{"source": {"serviceAccounts": ["foo/curl"]}}],
                  "to": [{"operation": {"hosts": ["*.example.com"], "notPorts": ["8081"]}}],
                  "when": [{"key": "destination.ip", "values": ["10.244.1.0/24"]}]}]}]""",
                List.of(http().principal("cluster.local/ns/foo/sa/curl").host("API.Example.COM")),
                List.of(http().principal("cluster.local/ns/foo/sa/curl").host("api.example.org"),
                        http().principal("cluster.local/ns/foo/sa/curl-2").host("api.example.com"),
                        http().principal("cluster.local/ns/foo/sa/curl").host("api.example.com").port(8081),
                        http().principal("cluster.local/ns/foo/sa/curl").host("api.example.com").destination("10.244.2.1"))));
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyExampleAllowsAndDeniesWhatIstioDoes() {
        return examples().stream().map(example -> DynamicTest.dynamicTest(example.name(), () -> {
            var policies = policies(example.policies());
            var http = Authorizer.compile(policies, false);
            var tcp = Authorizer.compile(policies, true);
            for (var request : example.allowed()) {
                var verdict = (request.tcp ? tcp : http).check(request.build());
                assertTrue(verdict.allowed(), example.name() + ": " + request + " was denied by " + verdict.denied());
            }
            for (var request : example.denied()) {
                var verdict = (request.tcp ? tcp : http).check(request.build());
                assertTrue(!verdict.allowed(), example.name() + ": " + request + " was allowed");
            }
        }));
    }

    @Test
    void theVerdictNamesTheRuleAsEnvoyDoes() {
        var policies = policies("""
                [{"namespace": "foo", "name": "allow-get", "action": "ALLOW", "rules": [{"to": [{"operation": {"methods": ["PUT"]}}]},
                   {"to": [{"operation": {"methods": ["GET"]}}]}]},
                 {"namespace": "foo", "name": "deny-admin", "action": "DENY", "rules": [{"to": [{"operation": {"paths": ["/admin"]}}]}]},
                 {"namespace": "foo", "name": "audit-all", "action": "AUDIT", "rules": [{}]},
                 {"namespace": "foo", "name": "maybe", "action": "DENY", "dryRun": true, "rules": [{"to": [{"operation": {"paths": ["/beta"]}}]}]}]""");
        var authorizer = Authorizer.compile(policies, false);
        assertEquals(new Verdict("ns[foo]-policy[deny-admin]-rule[0]", "ns[foo]-policy[audit-all]-rule[0]", null),
                authorizer.check(http().path("/admin").build()));
        assertEquals(new Verdict(Verdict.NO_MATCH, "ns[foo]-policy[audit-all]-rule[0]", null), authorizer.check(http().method("POST").build()));
        assertEquals(new Verdict(null, "ns[foo]-policy[audit-all]-rule[0]", "ns[foo]-policy[maybe]-rule[0]"),
                authorizer.check(http().path("/beta").build()), "a dry run never decides");
        assertTrue(Authorizer.compile(List.of(), false).isEmpty());
        assertEquals(Verdict.ALLOWED, Authorizer.NONE.check(http().build()));
    }

    @Test
    void pathsAreMatchedWithoutQueryAndDotSegments() {
        assertEquals("/a/b", AccessRequest.pathOf("/a/b?x=/admin#f"));
        assertEquals("/admin", AccessRequest.pathOf("/public/../admin"));
        assertEquals("/admin/", AccessRequest.pathOf("/./admin/."));
        assertEquals("/", AccessRequest.pathOf("/.."));
        assertEquals(Ipv4.parse("203.0.113.9"), AccessRequest.lastForwardedFor("198.51.100.1, 203.0.113.9"));
        assertEquals(-1, AccessRequest.lastForwardedFor("unknown"));
    }

    static List<AuthzPolicy> policies(String json) {
        var wrapped = JsonObject.parse("{\"p\": " + json + "}", "");
        return wrapped.list("p", AuthzPolicy::read);
    }

    static RequestAuth google() {
        return jwt("https://accounts.google.com", "1234", List.of("app"), List.of());
    }

    static RequestAuth tester(List<String> groups) {
        return jwt("testing@secure.istio.io", "testing@secure.istio.io", List.of(), groups);
    }

    static RequestAuth jwt(String iss, String sub, List<String> audiences, List<String> groups) {
        var claims = new HashMap<String, List<String>>();
        claims.put("iss", List.of(iss));
        claims.put("sub", List.of(sub));
        if (!audiences.isEmpty()) {
            claims.put("aud", audiences);
        }
        if (!groups.isEmpty()) {
            claims.put("groups", groups);
        }
        return new RequestAuth(iss + "/" + sub, audiences, null, claims);
    }

    static Req http() {
        return new Req(false);
    }

    static Req tcp(int port) {
        return new Req(true).port(port);
    }

    /** A request or connection to build; defaults: plaintext GET / from 10.0.0.1 to 10.244.1.5:8000, no token. */
    static final class Req {
        final boolean tcp;
        String principal;
        String source = "10.0.0.1";
        String destination = "10.244.1.5";
        String xff;
        int port = 8000;
        String method = "GET";
        String host = "httpbin.foo.svc.cluster.local";
        String target = "/";
        final Map<String, String> headers = new HashMap<>();
        RequestAuth auth;

        Req(boolean tcp) {
            this.tcp = tcp;
        }

        Req principal(String p) { principal = p; return this; }
        Req source(String ip) { source = ip; return this; }
        Req destination(String ip) { destination = ip; return this; }
        Req xff(String value) { xff = value; return this; }
        Req port(int p) { port = p; return this; }
        Req method(String m) { method = m; return this; }
        Req host(String h) { host = h; return this; }
        Req path(String p) { target = p; return this; }
        Req header(String name, String value) { headers.put(name, value); return this; }
        Req auth(RequestAuth a) { auth = a; return this; }

        AccessRequest build() {
            if (tcp) {
                return AccessRequest.tcp(principal, Ipv4.parse(source), Ipv4.parse(destination), port);
            }
            var remote = xff == null ? Ipv4.parse(source) : AccessRequest.lastForwardedFor(xff);
            return new AccessRequest(principal, Ipv4.parse(source), remote, Ipv4.parse(destination), port, method, host,
                    AccessRequest.pathOf(target), headers::get, auth);
        }

        @Override
        public String toString() {
            return tcp ? "tcp :" + port + " from " + source + (principal == null ? "" : " as " + principal)
                    : method + " " + target + " :" + port + " from " + source + (principal == null ? "" : " as " + principal) + " " + headers
                            + (auth == null ? "" : " jwt " + auth.principal());
        }
    }
}
