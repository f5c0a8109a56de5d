package dev.sidecarinjector.mesh.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.AuthzAction;
import dev.sidecarinjector.api.snapshot.AuthzAttribute;
import dev.sidecarinjector.api.snapshot.AuthzCondition;
import dev.sidecarinjector.api.snapshot.AuthzPolicy;
import dev.sidecarinjector.api.snapshot.AuthzRule;
import dev.sidecarinjector.api.snapshot.InboundPolicy;
import dev.sidecarinjector.api.snapshot.JwtHeader;
import dev.sidecarinjector.api.snapshot.JwtRule;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.SnapshotDelta;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.api.stream.StreamMessage;
import dev.sidecarinjector.mesh.compile.MeshCompiler;
import dev.sidecarinjector.mesh.index.MeshIndex;
import dev.sidecarinjector.mesh.source.DirectoryMeshSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The push layer's encoding: the stream's snapshot and delta messages byte for byte, the outbound part compared
 * once and encoded at most once per namespace, a delta encoded once for the namespace's proxies.
 */
class SnapshotEncoderTest {

    /** A policy in the proxy's own part of the message. */
    static final InboundPolicy DENY_GET = new InboundPolicy(List.of(new AuthzPolicy("default", "deny-get", AuthzAction.DENY, false,
            List.of(new AuthzRule(List.of(), List.of(List.of(new AuthzCondition(AuthzAttribute.METHOD, List.of(), List.of("GET"), List.of()))),
                    List.of())))), List.of());
    /** A policy with text that needs escaping, as a JWKS has. */
    private static final InboundPolicy JWT = new InboundPolicy(List.of(), List.of(new JwtRule("default/jwt", "https://issuer \"x\"", List.of("a"), "",
            "{\"keys\":[{\"kty\":\"RSA\"}]}\n", List.of(JwtHeader.AUTHORIZATION_BEARER), List.of("access_token"), "", List.of(), false)));
    /** Both components. */
    private static final InboundPolicy BOTH = new InboundPolicy(DENY_GET.authorization(), JWT.requestAuthentication());

    private final MeshCompiler compiler = new MeshCompiler("cluster.local", "istio-system");
    private final MeshIndex example = new DirectoryMeshSource(Path.of("examples/mesh"), Duration.ZERO).load().current();

    @Test
    void theMessageIsTheStreamsSnapshotMessageByteForByte() throws Exception {
        var encoder = new SnapshotEncoder();
        var snapshots = new ArrayList<Snapshot>();
        for (var pod : List.of("productpage-v1-7b9c6d5f4a-p8r6t", "reviews-v1-5c7d9f8b6c-x2x7p")) {
            snapshots.add(compiler.compile(example, "default", pod, "").snapshot());
        }
        // No outbound or inbound part, no workload, and strings that need escaping.
        snapshots.add(new Snapshot("", null, List.of(), List.of(), List.of(), List.of()));
        snapshots.add(new Snapshot("", new Workload("ns", "p\"o\\d", "é\u2028", "sa", "n", "v", "10.0.0.1", Map.of("k", "\n")),
                List.of(), List.of(), List.of(), List.of()));
        var first = snapshots.getFirst();
        for (var policy : List.of(DENY_GET, JWT, BOTH)) {
            snapshots.add(new Snapshot("", first.workload(), first.listeners(), first.routeTables(), first.clusters(), first.inbound(), policy));
        }
        for (var snapshot : snapshots) {
            var message = encoder.full("1700000000-7", snapshot.workload(), encoder.outbound("any", snapshot), snapshot.inbound(), snapshot.inboundPolicy());
            var expected = new StreamMessage.SnapshotPush("1700000000-7", new Snapshot("1700000000-7", snapshot.workload(),
                    snapshot.listeners(), snapshot.routeTables(), snapshot.clusters(), snapshot.inbound(), snapshot.inboundPolicy())).toJson();
            assertEquals(expected, message.text());
            assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, message.bytes());
            assertEquals(snapshot.workload(), ((StreamMessage.SnapshotPush) StreamMessage.parse(message.text())).snapshot().workload());
        }
    }

    @Test
    void aDeltaMessageIsTheStreamsDeltaMessageByteForByte() throws Exception {
        var encoder = new SnapshotEncoder();
        var before = compiler.compile(example, "default", "productpage-v1-7b9c6d5f4a-p8r6t", "").snapshot();
        var from = encoder.outbound("default", before);
        var fewer = new Snapshot("", before.workload(), before.listeners(), before.routeTables(),
                before.clusters().subList(0, before.clusters().size() - 1), before.inbound());
        var changed = new Snapshot("", new Workload("default", "p\"o\\d", "é\u2028", "sa", "n", "v", "10.0.0.1", Map.of("k", "\n")),
                List.of(), before.routeTables(), before.clusters().subList(1, before.clusters().size()), before.inbound());
        var policed = new Snapshot("", before.workload(), before.listeners(), before.routeTables(), before.clusters(), before.inbound(), DENY_GET);
        var authenticated = new Snapshot("", before.workload(), before.listeners(), before.routeTables(), before.clusters(), before.inbound(), JWT);
        var both = new Snapshot("", before.workload(), before.listeners(), before.routeTables(), before.clusters(), before.inbound(), BOTH);
        for (var after : List.of(fewer, changed, policed, authenticated, both, new Snapshot("", null, before.listeners(), before.routeTables(), before.clusters(), List.of()))) {
            var to = encoder.outbound("default", after);
            var message = encoder.delta("1700000000-8", "1700000000-7", from, to, after.workload(), after.inbound(), after.inboundPolicy());
            var expected = new StreamMessage.DeltaPush("1700000000-8", "1700000000-7", SnapshotDelta.between(before, after)).toJson();
            assertEquals(expected, message.text());
            assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, message.bytes());
        }
    }

    @Test
    void aNamespaceOfProxiesCostsOneEncodingAndAnUnchangedNamespaceNone() throws Exception {
        var encoder = new SnapshotEncoder();
        var pods = List.of("productpage-v1-7b9c6d5f4a-p8r6t", "reviews-v1-5c7d9f8b6c-x2x7p", "reviews-v2-6f8c4d7b9d-k4m2q");
        var parts = new ArrayList<OutboundPart>();
        for (var round = 0; round < 34; round++) {
            for (var pod : pods) {
                var snapshot = compiler.compile(example, "default", pod, "").snapshot();
                parts.add(encoder.full("1-1", snapshot.workload(), encoder.outbound("default", snapshot), snapshot.inbound(), snapshot.inboundPolicy()).outbound());
            }
        }
        assertEquals(1, encoder.encodings(), "102 proxies of one namespace, one index: one encoding");
        assertTrue(parts.stream().allMatch(p -> p == parts.getFirst()), "every proxy shares the same bytes");
        var part = encoder.outbound("default", compiler.compile(example, "default", pods.getFirst(), "").snapshot());

        // A new index with the same resources: new lists, compared resource by resource, and the same part comes back.
        var again = new DirectoryMeshSource(Path.of("examples/mesh"), Duration.ZERO).load().current();
        var same = compiler.compile(again, "default", pods.getFirst(), "").snapshot();
        assertNotSame(same.listeners(), compiler.compile(example, "default", pods.getFirst(), "").snapshot().listeners());
        assertSame(part, encoder.outbound("default", same));
        assertEquals(1, encoder.encodings(), "nothing encoded to find that out");

        var changed = new Snapshot("", same.workload(), same.listeners().subList(1, same.listeners().size()), same.routeTables(),
                same.clusters(), same.inbound());
        var next = encoder.outbound("default", changed);
        assertNotSame(part, next);
        assertEquals(List.of(same.listeners().getFirst().key()), part.deltaTo(next).listeners.remove());
        assertSame(part.deltaTo(next), part.deltaTo(next), "compared once");
        for (var proxy = 0; proxy < 3; proxy++) {
            encoder.delta("1-2", "1-1", part, next, same.workload(), same.inbound(), same.inboundPolicy());
        }
        assertEquals(1, encoder.deltaEncodings(), "the namespace's proxies share one delta");
        assertEquals(1, encoder.encodings(), "and no full encoding");

        encoder.retain(Set.of());
        assertNotSame(next, encoder.outbound("default", changed), "a forgotten namespace starts again");
    }

    @Test
    void framesAreAtMost64KiBAndNeverCutACharacter() {
        var text = ",\"x\":\"" + "aé€😀".repeat(40_000) + "\"";
        var part = OutboundPart.of(text);
        var bytes = part.utf8();
        var joined = new StringBuilder();
        for (var i = 0; i < part.frames(); i++) {
            var length = part.start(i + 1) - part.start(i);
            assertTrue(length > 0 && length <= OutboundPart.FRAME_BYTES, "frame " + i + ": " + length + " bytes");
            assertTrue((bytes[part.start(i)] & 0xC0) != 0x80, "frame " + i + " starts inside a character");
            joined.append(new String(bytes, part.start(i), length, StandardCharsets.UTF_8));
        }
        assertEquals(bytes.length, part.start(part.frames()));
        assertEquals(text, joined.toString());
        assertEquals(0, OutboundPart.EMPTY.frames());
    }
}
