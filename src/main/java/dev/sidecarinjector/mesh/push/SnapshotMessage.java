package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.stream.StreamMessage;
import java.nio.charset.StandardCharsets;

/**
 * One proxy's snapshot message ({@link StreamMessage.SnapshotPush}) or delta message ({@link StreamMessage.DeltaPush}),
 * byte for byte, as the three parts it is written in: the proxy's own head (type, version, its base for a delta,
 * workload), the {@link OutboundPart} it shares with its namespace, and its own tail (inbound ports and the closing
 * braces).
 */
record SnapshotMessage(String head, OutboundPart outbound, String tail) {

    /** The whole message as one string: for tests and fakes; the server writes the parts. */
    long bytes() {
        return head.getBytes(StandardCharsets.UTF_8).length + outbound.length() + tail.getBytes(StandardCharsets.UTF_8).length;
    }

    String text() {
        return head + outbound.text() + tail;
    }
}
