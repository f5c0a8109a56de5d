package dev.sidecarinjector.mesh.push;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayDeque;

/**
 * Writes snapshot messages to one proxy's WebSocket as fast as the connection takes them, and no faster. A message
 * is a text frame (head), the shared outbound part's frames (views of the same bytes for every proxy, no copy) and
 * a final frame (tail). Frames wait here, as views, until the connection is writable: TLS encrypts a frame only
 * when it goes out, so a push to 100 slow proxies holds the shared bytes once, not 100 encrypted copies of them.
 * Confined to the connection's event loop; {@link #send} may be called from any thread and keeps their order.
 */
final class FrameWriter {

    private final ServerWebSocket socket;
    private final Context context;
    private final ArrayDeque<WebSocketFrame> pending = new ArrayDeque<>();

    FrameWriter(ServerWebSocket socket, Context context) {
        this.socket = socket;
        this.context = context;
        socket.drainHandler(v -> pump());
    }

    void send(SnapshotMessage message) {
        context.runOnContext(v -> {
            pending.add(WebSocketFrame.textFrame(message.head(), false));
            var outbound = message.outbound();
            if (outbound.length() > 0) {
                var bytes = Buffer.buffer(Unpooled.wrappedBuffer(outbound.utf8()));
                for (var i = 0; i < outbound.frames(); i++) {
                    pending.add(WebSocketFrame.continuationFrame(bytes.slice(outbound.start(i), outbound.start(i + 1)), false));
                }
            }
            pending.add(WebSocketFrame.continuationFrame(Buffer.buffer(message.tail()), true));
            pump();
        });
    }

    private void pump() {
        while (!pending.isEmpty() && !socket.isClosed() && !socket.writeQueueFull()) {
            socket.writeFrame(pending.poll());
        }
        if (socket.isClosed()) {
            pending.clear();
        }
    }
}
