package dev.sidecarinjector.api.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.json.JsonException;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundPolicyTest {

    static InboundPolicy jwt() {
        return new InboundPolicy(List.of(
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
    void aSnapshotWithoutThePolicyReadsAsEnforcingNothing() {
        var base = SnapshotTest.reviews();
        var json = base.toJson(false);
        assertFalse(json.contains("inboundPolicy"), "an empty policy is left out, so older proxies see what they saw before");
        assertEquals(InboundPolicy.NONE, Snapshot.fromJson(json).inboundPolicy());
    }

    @Test
    void aDeltaCarriesThePolicyWhole() {
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
}
