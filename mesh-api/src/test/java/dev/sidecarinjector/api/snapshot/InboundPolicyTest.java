package dev.sidecarinjector.api.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.json.JsonException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inbound policy in the snapshot and the delta: Istio's rule shape on the wire, every check of the reader. */
class InboundPolicyTest {

    static InboundPolicy payment() {
        var from = List.of(new AuthzCondition(AuthzAttribute.SOURCE_PRINCIPAL, List.of(),
                List.of("cluster.local/ns/default/sa/order-service", "cluster.local/ns/default/sa/refund-service"), List.of()));
        var to = List.of(new AuthzCondition(AuthzAttribute.METHOD, List.of(), List.of("POST"), List.of()),
                new AuthzCondition(AuthzAttribute.PATH, List.of(), List.of("/api/v1/charge", "/api/v1/refund"), List.of()));
        var when = List.of(AuthzCondition.when("request.headers[X-Tenant]", List.of("acme*"), List.of()),
                AuthzCondition.when("source.ip", List.of(), List.of("10.9.0.0/16")));
        var allow = new AuthzPolicy("default", "payment-service-policy", AuthzAction.ALLOW, false,
                List.of(new AuthzRule(List.of(from), List.of(to), when)));
        var deny = new AuthzPolicy("istio-system", "deny-debug", AuthzAction.DENY, true,
                List.of(new AuthzRule(List.of(), List.of(List.of(new AuthzCondition(AuthzAttribute.PATH, List.of(), List.of("/debug*"), List.of()))),
                        List.of())));
        return new InboundPolicy(List.of(allow, deny), List.of());
    }

    static Snapshot withPolicy() {
        var s = SnapshotTest.reviews();
        return new Snapshot(s.version(), s.workload(), s.listeners(), s.routeTables(), s.clusters(), s.inbound(), payment());
    }

    @Test
    void policiesSurviveTheJsonRoundTripInIstiosShape() {
        var snapshot = withPolicy();
        var json = snapshot.toJson(false);
        assertEquals(snapshot, Snapshot.fromJson(json));
        assertEquals(true, json.contains("\"from\":[{\"source\":{\"principals\":[\"cluster.local/ns/default/sa/order-service\""), json);
        assertEquals(true, json.contains("{\"key\":\"request.headers[x-tenant]\",\"values\":[\"acme*\"]}"), json);
        assertEquals(true, json.contains("\"to\":[{\"operation\":{\"methods\":[\"POST\"],\"paths\":"), json);
    }

    @Test
    void aSnapshotWithoutInboundPolicyHasNone() {
        var old = SnapshotTest.reviews().toJson(false);
        assertEquals(false, old.contains("inboundPolicy"));
        assertEquals(InboundPolicy.NONE, Snapshot.fromJson(old).inboundPolicy());
    }

    @Test
    void theDeltaCarriesThePolicyWhole() {
        var before = SnapshotDeltaTest.base();
        var after = new Snapshot("8", before.workload(), before.listeners(), before.routeTables(), before.clusters(), before.inbound(), payment());
        var delta = SnapshotDelta.between(before, after);
        assertEquals(payment(), delta.inboundPolicy());
        assertEquals(after, delta.applyTo(before, "8"));
        var back = SnapshotDelta.between(after, before);
        assertEquals(InboundPolicy.NONE, back.applyTo(after, "7").inboundPolicy());
    }

    @Test
    void aBadPolicyIsNamedWithItsPathAndValue() {
        var good = withPolicy().toJson(false);
        assertRejected(good.replace("\"methods\":[\"POST\"]", "\"verbs\":[\"POST\"]"),
                "inboundPolicy.authorization[0].rules[0].to[0].operation.verbs: is not a field of operation this proxy knows");
        assertRejected(good.replace("\"key\":\"source.ip\"", "\"key\":\"source.ipaddress\""),
                "inboundPolicy.authorization[0].rules[0].when[1].key: \"source.ipaddress\" is not an attribute this mesh knows (source.ip, remote.ip,"
                        + " source.namespace, source.principal, source.serviceAccount, request.auth.principal, request.auth.audiences,"
                        + " request.auth.presenter, request.auth.claims[...], request.headers[...], destination.ip, destination.port)");
        assertRejected(good.replace("\"10.9.0.0/16\"", "\"10.9.0.0/40\""),
                "inboundPolicy.authorization[0].rules[0].when[1].notValues[0]: \"10.9.0.0/40\" is not an IPv4 address or CIDR range");
        assertRejected(good.replace("\"action\":\"DENY\"", "\"action\":\"CUSTOM\""),
                "inboundPolicy.authorization[1].action: \"CUSTOM\" is not one of ALLOW, DENY, AUDIT");
    }

    @Test
    void whenKeysReadAsIstioReadsThem() {
        assertEquals(List.of("a", "b"), AuthzCondition.when("request.auth.claims[a][b]", List.of("x"), List.of()).names());
        assertEquals(List.of("a.b"), AuthzCondition.when("request.auth.claims[a.b]", List.of("x"), List.of()).names());
        assertEquals("request.auth.claims[a][b]", AuthzCondition.when("request.auth.claims[a][b]", List.of("x"), List.of()).key());
        assertEquals("needs a name in brackets, as request.headers[name]",
                assertThrows(IllegalArgumentException.class, () -> AuthzCondition.when("request.headers", List.of("x"), List.of())).getMessage());
        assertEquals("takes no bracketed name",
                assertThrows(IllegalArgumentException.class, () -> AuthzCondition.when("source.ip[x]", List.of("x"), List.of())).getMessage());
        assertEquals("is not a port (0-65535)", AuthzAttribute.DESTINATION_PORT.whyInvalid("65536"));
        assertEquals("is an IPv6 address, and this mesh is IPv4 only", AuthzAttribute.SOURCE_IP.whyInvalid("fd00::/8"));
        assertEquals(null, AuthzAttribute.SOURCE_IP.whyInvalid("10.0.0.1"));
    }

    private static void assertRejected(String json, String message) {
        assertEquals(message, assertThrows(JsonException.class, () -> Snapshot.fromJson(json)).getMessage());
    }

    static InboundPolicy jwt() {
        return new InboundPolicy(List.of(), List.of(
                new JwtRule("default/jwt", "https://issuer.example", List.of("payments"), "", "{\"keys\":[]}",
                        List.of(JwtHeader.AUTHORIZATION_BEARER, new JwtHeader("x-jwt", "")), List.of("access_token"), "x-jwt-payload",
                        List.of(new ClaimToHeader("x-user", "sub")), false),
                new JwtRule("", "other", List.of(), "https://other.example/jwks", "", List.of(), List.of("token"), "", List.of(), true)));
    }

    @Test
    void aSnapshotCarriesItsInboundPolicyThroughJson() {
        var base = SnapshotTest.reviews();
        var snapshot = new Snapshot(base.version(), base.workload(), base.listeners(), base.routeTables(), base.clusters(), base.inbound(), jwt());
        assertEquals(snapshot, Snapshot.fromJson(snapshot.toJson(true)));
        assertEquals(snapshot, Snapshot.fromJson(snapshot.toJson(false)));
    }

    @Test
    void aDeltaCarriesTheJwtRulesWhole() {
        var base = SnapshotTest.reviews();
        var next = new Snapshot("8", base.workload(), base.listeners(), base.routeTables(), base.clusters(), base.inbound(), jwt());
        var delta = SnapshotDelta.between(base, next);
        assertEquals(jwt(), delta.applyTo(base, "8").inboundPolicy());
        assertEquals(delta, SnapshotDelta.read(dev.sidecarinjector.api.json.JsonObject.parse(writeMembers(delta), "")));
        var back = SnapshotDelta.between(next, base);
        assertEquals(InboundPolicy.NONE, back.applyTo(next, "7").inboundPolicy(), "a delta without the policy removes it");
    }

    private static String writeMembers(SnapshotDelta delta) {
        var json = dev.sidecarinjector.api.json.JsonWriter.compact();
        json.beginObject();
        delta.writeMembers(json);
        return json.endObject().toString();
    }

    @Test
    void badRulesNameTheField() {
        var error = assertThrows(JsonException.class, () -> Snapshot.fromJson(
                "{\"version\":\"1\",\"workload\":{\"namespace\":\"a\",\"name\":\"b\"},\"inboundPolicy\":{\"requestAuthentication\":[{\"issuer\":\"\"}]}}"));
        assertEquals("inboundPolicy.requestAuthentication[0].issuer: is empty", error.getMessage());
        error = assertThrows(JsonException.class, () -> Snapshot.fromJson(
                "{\"version\":\"1\",\"workload\":{\"namespace\":\"a\",\"name\":\"b\"},\"inboundPolicy\":{\"requestAuthentication\":"
                        + "[{\"issuer\":\"i\",\"fromHeaders\":[{\"name\":\"\"}]}]}}"));
        assertEquals("inboundPolicy.requestAuthentication[0].fromHeaders[0].name: is empty", error.getMessage());
    }

    @Test
    void bothComponentsTravelTogether() {
        var base = SnapshotTest.reviews();
        var policy = new InboundPolicy(payment().authorization(), jwt().requestAuthentication());
        var snapshot = new Snapshot(base.version(), base.workload(), base.listeners(), base.routeTables(), base.clusters(), base.inbound(), policy);
        var json = snapshot.toJson(false);
        assertEquals(snapshot, Snapshot.fromJson(json));
        assertEquals(true, json.contains("\"authorization\":[") && json.contains("\"requestAuthentication\":["), json);
        assertFalse(new InboundPolicy(List.of(), jwt().requestAuthentication()).isEmpty());
        assertFalse(payment().isEmpty());
        assertEquals(true, new InboundPolicy(List.of(), List.of()).isEmpty());
        var delta = SnapshotDelta.between(base, new Snapshot("8", base.workload(), base.listeners(), base.routeTables(), base.clusters(), base.inbound(), policy));
        assertEquals(policy, delta.applyTo(base, "8").inboundPolicy());
    }
}
