package dev.sidecarinjector.proxy.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.snapshot.AuthzPolicy;
import dev.sidecarinjector.proxy.codec.Heads;
import dev.sidecarinjector.proxy.policy.AccessRequest;
import dev.sidecarinjector.proxy.policy.Authorizer;
import dev.sidecarinjector.proxy.policy.RequestAuth;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two halves of Istio's JWT policy meet: what {@link JwtAuthenticator} establishes about a real, verified token is
 * what an AuthorizationPolicy's {@code requestPrincipals} and {@code request.auth.claims[...]} conditions look up.
 */
class ClaimsAuthorizationTest {

    private static final long NOW = 1_800_000_000L;
    private static final TestIssuer ISSUER = new TestIssuer();
    private static final JwtAuthenticator AUTHENTICATOR = JwtAuthenticator.compile(List.of(ISSUER.rule(List.of())), null);

    private static RequestAuth verified(String sub, String... claims) {
        var request = Heads.request("GET", "/", "authorization", "Bearer " + ISSUER.sign("RS256", TestIssuer.payload(sub, NOW, claims)));
        var outcome = AUTHENTICATOR.authenticate(request, NOW);
        assertFalse(outcome.refused(), "the token is good");
        return outcome.auth();
    }

    private static boolean allowed(String rule, RequestAuth auth) {
        var policy = AuthzPolicy.read(JsonObject.parse("""
                {"namespace": "default", "name": "p", "action": "ALLOW", "rules": [%s]}""".formatted(rule), "policy"));
        var authorizer = Authorizer.compile(List.of(policy), false);
        return authorizer.check(new AccessRequest(null, 1, 1, 2, 8080, "GET", "payment", "/", name -> null, auth)).allowed();
    }

    @Test
    void aNestedClaimConditionMatchesTheVerifiedTokensNestedClaim() {
        var rule = """
                {"when": [{"key": "request.auth.claims[org][team]", "values": ["pay"]}]}""";
        assertTrue(allowed(rule, verified("alice", "\"org\":{\"team\":\"pay\"}")));
        assertFalse(allowed(rule, verified("bob", "\"org\":{\"team\":\"ops\"}")));
        assertFalse(allowed(rule, verified("carol", "\"org.team\":\"pay\"")), "a top-level claim named org.team is not org's team");
        assertFalse(allowed(rule, null), "no token, no claim");
        var dotted = """
                {"when": [{"key": "request.auth.claims[org.team]", "values": ["pay"]}]}""";
        assertTrue(allowed(dotted, verified("carol", "\"org.team\":\"pay\"")));
        assertFalse(allowed(dotted, verified("alice", "\"org\":{\"team\":\"pay\"}")), "org's team is not a claim named org.team");
        var deeper = """
                {"when": [{"key": "request.auth.claims[realm_access][roles]", "values": ["admin"]}]}""";
        assertTrue(allowed(deeper, verified("dave", "\"realm_access\":{\"roles\":[\"user\",\"admin\"]}")), "a nested list is its items");
    }

    @Test
    void requestPrincipalsAreTheVerifiedTokensIssuerAndSubject() {
        var alice = verified("alice");
        assertEquals(TestIssuer.ISSUER + "/alice", alice.principal());
        var rule = """
                {"from": [{"source": {"requestPrincipals": ["%s/alice"]}}]}""".formatted(TestIssuer.ISSUER);
        assertTrue(allowed(rule, alice));
        assertFalse(allowed(rule, verified("bob")));
        assertTrue(allowed("""
                {"from": [{"source": {"requestPrincipals": ["%s/*"]}}]}""".formatted(TestIssuer.ISSUER), verified("bob")));
        assertFalse(allowed("""
                {"from": [{"source": {"requestPrincipals": ["*"]}}]}""", null), "no token is no request principal");
    }
}
