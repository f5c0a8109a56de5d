package dev.sidecarinjector.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.InboundPolicy;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.proxy.authn.TestIssuer;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.run.DestinationResolver;
import dev.sidecarinjector.proxy.run.ProxySettings;
import dev.sidecarinjector.proxy.run.SidecarProxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbound AuthorizationPolicies through the real proxy on loopback, in plaintext: the workload serves HTTP on the
 * port of the upstream {@code app} and TCP on the port of {@code ledger}; connections to the proxy's inbound port are
 * taken as sent to whichever the test names. A denied request is answered 403 and counted; a denied TCP connection is
 * closed; a new policy applies to the next request of a kept-alive connection.
 */
class AuthorizationIT {

    private final SnapshotHolder holder = new SnapshotHolder();
    private TestUpstream app;
    private TestUpstream ledger;
    private SidecarProxy proxy;
    private volatile InetSocketAddress destination;
    private int version;

    @BeforeEach
    void start() throws Exception {
        app = new TestUpstream("app");
        ledger = new TestUpstream("ledger");
        var settings = new ProxySettings(0, 0, 0, 0, Duration.ofSeconds(1), false, 2000, Duration.ofSeconds(2), 100_000, 0);
        DestinationResolver resolver = accepted -> destination;
        proxy = new SidecarProxy(settings, resolver, holder).start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
        ledger.close();
    }

    /** The workload's snapshot with {@code policies} (JSON, Istio's rule shape). */
    private void policies(String policies) {
        holder.swap(Snapshot.fromJson("""
                {"version": "v%d", "workload": {"namespace": "production", "name": "payment"},
                 "inbound": [{"port": %d, "protocol": "HTTP", "services": [{"host": "payment.production.svc.cluster.local", "name": "payment", "namespace": "production"}]},
                             {"port": %d, "protocol": "TCP", "services": [{"host": "payment.production.svc.cluster.local", "name": "payment", "namespace": "production"}]}],
                 "inboundPolicy": {"authorization": %s}}""".formatted(++version, app.port(), ledger.port(), policies)));
    }

    /** As {@link #policies}, with RequestAuthentication for {@code issuer}'s tokens (any audience). */
    private void policies(String policies, TestIssuer issuer) {
        policies(policies);
        var s = holder.current().snapshot();
        var both = new InboundPolicy(s.inboundPolicy().authorization(), List.of(issuer.rule(List.of())));
        holder.swap(Snapshot.fromJson(new Snapshot(s.version(), s.workload(), s.listeners(), s.routeTables(), s.clusters(), s.inbound(), both)
                .toJson(false)));
    }

    private RawHttp to(TestUpstream upstream) throws Exception {
        destination = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.port());
        return new RawHttp(proxy.inboundPort());
    }

    @Test
    void aDeniedRequestIs403AndANewPolicyAppliesToTheNextRequest() throws Exception {
        policies("""
                [{"namespace": "production", "name": "public-only", "action": "ALLOW", "rules": [{"to": [{"operation": {"paths": ["/public*"]}}]}]},
                 {"namespace": "istio-system", "name": "deny-debug", "action": "DENY", "rules": [{"when": [{"key": "request.headers[x-debug]", "values": ["*"]}]}]}]""");
        try (var client = to(app)) {
            var allowed = client.get("/public/status");
            assertEquals(200, allowed.status());
            var denied = client.get("/private");
            assertEquals(403, denied.status());
            assertEquals("RBAC: access denied", denied.body());
            assertEquals("text/plain", denied.header("content-type"));
            var debug = client.get("/public/status", "x-debug: 1");
            assertEquals(403, debug.status(), "a DENY beats the ALLOW");
            assertEquals(1, app.requests.get(), "denied requests never reach the app");

            policies("""
                    [{"namespace": "production", "name": "allow-all", "action": "ALLOW", "rules": [{}]}]""");
            assertEquals(200, client.get("/private").status(), "the kept-alive connection's next request sees the new policy");
        }
        var rbac = proxy.metrics().istio().rbac();
        assertEquals(1, rbac.count("denied", false, "none"));
        assertEquals(1, rbac.count("denied", false, "ns[istio-system]-policy[deny-debug]-rule[0]"));
        assertEquals(2, rbac.allowed(false));
        var text = proxy.metrics().prometheusText();
        assertTrue(text.matches("(?s).*istio_requests_total\\{reporter=\"destination\",[^}]*response_code=\"403\"[^}]*response_flags=\"-\"[^}]*} 2\n.*"), text);
        assertTrue(text.contains("envoy_http_rbac_denied{policy=\"ns[istio-system]-policy[deny-debug]-rule[0]\"} 1\n"), text);
    }

    @Test
    void aDeniedTcpConnectionIsClosedAndAnAllowedOneRelayed() throws Exception {
        // The HTTP-only paths make this ALLOW rule match nothing on the TCP port (Istio's TCP filter drops it).
        policies("""
                [{"namespace": "production", "name": "public-only", "action": "ALLOW", "rules": [{"to": [{"operation": {"paths": ["/public*"]}}]}]}]""");
        try (var client = to(ledger)) {
            client.send("GET / HTTP/1.1\r\nhost: ledger\r\n\r\n");
            assertTrue(client.closedByPeer(), "the denied connection is closed");
        }
        assertEquals(0, ledger.requests.get());
        policies("""
                [{"namespace": "production", "name": "ledger", "action": "ALLOW", "rules": [{"to": [{"operation": {"ports": ["%d"]}}]}]}]"""
                .formatted(ledger.port()));
        try (var client = to(ledger)) {
            assertEquals("ledger", client.get("/").body(), "relayed at TCP once a rule allows its port");
        }
        var rbac = proxy.metrics().istio().rbac();
        assertEquals(1, rbac.count("denied", true, "none"));
        assertEquals(1, rbac.allowed(true));
        var text = proxy.metrics().prometheusText();
        assertTrue(text.matches("(?s).*istio_tcp_connections_opened_total\\{reporter=\"destination\",[^}]*} 2\n.*"), text);
    }

    /**
     * Istio's "require a JWT": RequestAuthentication checks a token that is there (401 when it is bad), and a DENY on
     * {@code notRequestPrincipals: ["*"]} refuses requests without one (403); an ALLOW on {@code requestPrincipals}
     * lets one subject in. JWT authentication runs first, so the policies see the verified token's {@code iss/sub}.
     */
    @Test
    void requestAuthenticationAndAuthorizationPolicyTogether() throws Exception {
        var issuer = new TestIssuer();
        policies("""
                [{"namespace": "production", "name": "require-jwt", "action": "DENY",
                  "rules": [{"from": [{"source": {"notRequestPrincipals": ["*"]}}], "to": [{"operation": {"paths": ["/headers"]}}]}]},
                 {"namespace": "production", "name": "alice-or-public", "action": "ALLOW",
                  "rules": [{"from": [{"source": {"requestPrincipals": ["%s/alice"]}}]}, {"to": [{"operation": {"paths": ["/public*"]}}]}]}]"""
                .formatted(TestIssuer.ISSUER), issuer);
        var now = System.currentTimeMillis() / 1000;
        var alice = issuer.sign("RS256", TestIssuer.payload("alice", now));
        var bob = issuer.sign("RS256", TestIssuer.payload("bob", now));
        var forged = new TestIssuer().sign("RS256", TestIssuer.payload("alice", now));
        try (var client = to(app)) {
            var anonymous = client.get("/headers");
            assertEquals(403, anonymous.status(), "no token: the DENY on notRequestPrincipals refuses it");
            assertEquals("RBAC: access denied", anonymous.body());

            var bad = client.get("/headers", "authorization: Bearer " + forged);
            assertEquals(401, bad.status(), "a bad token is refused by RequestAuthentication, before any policy");
            assertEquals("Jwt verification fails", bad.body());
            assertTrue(bad.header("www-authenticate").contains("error=\"invalid_token\""), bad.header("www-authenticate"));
            assertEquals(0, app.requests.get(), "neither reached the app");

            var good = client.get("/headers", "authorization: Bearer " + alice);
            assertEquals(200, good.status(), "alice's token passes the DENY and matches the ALLOW's requestPrincipals");
            assertFalse(good.body().toLowerCase(java.util.Locale.ROOT).contains("authorization"), "the app does not see the token: " + good.body());
            assertFalse(good.body().contains(alice), "the app does not see the token: " + good.body());

            assertEquals(403, client.get("/headers", "authorization: Bearer " + bob).status(),
                    "bob has a request principal, but not the one the ALLOW names");
            assertEquals(200, client.get("/public/status").status(), "the ALLOW's other rule needs no token");
            assertEquals(2, app.requests.get());
        }
        var rbac = proxy.metrics().istio().rbac();
        assertEquals(1, rbac.count("denied", false, "ns[production]-policy[require-jwt]-rule[0]"));
        assertEquals(1, rbac.count("denied", false, "none"));
        var text = proxy.metrics().prometheusText();
        assertTrue(text.matches("(?s).*istio_requests_total\\{reporter=\"destination\",[^}]*response_code=\"401\"[^}]*} 1\n.*"), text);
    }
}
