package dev.sidecarinjector.mesh.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.Snapshot;
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

/** The push layer's encoding: the stream's message byte for byte, with the outbound part encoded once per namespace. */
class SnapshotEncoderTest {

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
        for (var snapshot : snapshots) {
            var message = encoder.message("1700000000-7", snapshot, encoder.outbound("any", snapshot));
            var expected = new StreamMessage.SnapshotPush("1700000000-7", new Snapshot("1700000000-7", snapshot.workload(),
                    snapshot.listeners(), snapshot.routeTables(), snapshot.clusters(), snapshot.inbound())).toJson();
            assertEquals(expected, message.text());
            assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, message.bytes());
            assertEquals(snapshot.workload(), ((StreamMessage.SnapshotPush) StreamMessage.parse(message.text())).snapshot().workload());
        }
    }

    @Test
    void aNamespaceOfProxiesCostsOneEncodingAndAnUnchangedNamespaceNone() throws Exception {
        var encoder = new SnapshotEncoder();
        var pods = List.of("productpage-v1-7b9c6d5f4a-p8r6t", "reviews-v1-5c7d9f8b6c-x2x7p", "reviews-v2-6f8c4d7b9d-k4m2q");
        var parts = new ArrayList<OutboundPart>();
        for (var round = 0; round < 34; round++) {
            for (var pod : pods) {
                parts.add(encoder.outbound("default", compiler.compile(example, "default", pod, "").snapshot()));
            }
        }
        assertEquals(1, encoder.encodings(), "102 proxies of one namespace, one index: one encoding");
        assertTrue(parts.stream().allMatch(p -> p == parts.getFirst()), "every proxy shares the same bytes");

        // A new index with the same resources: new lists, encoded once to compare, and the same part comes back.
        var again = new DirectoryMeshSource(Path.of("examples/mesh"), Duration.ZERO).load().current();
        var same = compiler.compile(again, "default", pods.getFirst(), "").snapshot();
        assertNotSame(same.listeners(), compiler.compile(example, "default", pods.getFirst(), "").snapshot().listeners());
        assertSame(parts.getFirst(), encoder.outbound("default", same));
        assertEquals(2, encoder.encodings());

        var changed = new Snapshot("", same.workload(), same.listeners().subList(1, same.listeners().size()), same.routeTables(),
                same.clusters(), same.inbound());
        assertNotSame(parts.getFirst(), encoder.outbound("default", changed));

        encoder.retain(Set.of());
        encoder.outbound("default", changed);
        assertEquals(4, encoder.encodings(), "a forgotten namespace is encoded again");
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
