package dev.sidecarinjector.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.admin.AdminHandler.Page;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminHandlerTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new AdminHandler(Map.of("/healthz/ready", () -> Page.text(200, "OK", "ready\n"))));

    @Test
    void getOnAKnownPathIsAnsweredAndTheConnectionClosed() {
        String response = exchange("GET /healthz/ready?verbose=1 HTTP/1.1\r\nHost: x\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertTrue(response.contains("content-length: 6\r\n") && response.endsWith("\r\n\r\nready\n"), response);
        assertFalse(channel.isOpen(), "one answer per connection");
    }

    @Test
    void aHeadSplitOverSeveralReadsIsWaitedFor() {
        channel.writeInbound(bytes("GET /healthz/re"));
        assertNull(channel.readOutbound(), "no answer before the head is complete");
        assertTrue(exchange("ady HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 200 OK\r\n"));
    }

    @Test
    void wrongMethodUnknownPathAndGarbageGetClientErrors() {
        assertTrue(exchange("POST /healthz/ready HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 405 "));
        assertTrue(new AdminHandlerTest().exchange("GET /nope HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 404 "));
        assertTrue(new AdminHandlerTest().exchange("hello\r\n\r\n").startsWith("HTTP/1.1 400 "));
    }

    @Test
    void aHeadThatNeverEndsIsRefusedInsteadOfBuffered() {
        String response = exchange("GET /" + "a".repeat(AdminHandler.MAX_HEAD + 1));
        assertTrue(response.startsWith("HTTP/1.1 431 "), response);
        assertFalse(channel.isOpen());
    }

    private String exchange(String request) {
        channel.writeInbound(bytes(request));
        ByteBuf out = channel.readOutbound();
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }
}
