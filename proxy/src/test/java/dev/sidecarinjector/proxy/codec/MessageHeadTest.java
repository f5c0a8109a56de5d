package dev.sidecarinjector.proxy.codec;

import static dev.sidecarinjector.proxy.codec.HeadParserTest.bytes;
import static dev.sidecarinjector.proxy.codec.HeadParserTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageHeadTest {

    @Test
    void anUneditedHeadIsWrittenAsTheBytesRead() throws Exception {
        var text = "HTTP/1.1 200 OK\r\nContent-Type:text/plain\r\nx-odd:   spaced\r\ncontent-length: 2\r\n\r\n";
        var head = HeadParser.response(bytes(text), 1000);
        assertFalse(head.edited());
        var out = head.encode(UnpooledByteBufAllocator.DEFAULT);
        assertEquals(text, out.toString(StandardCharsets.ISO_8859_1));
        out.release();
    }

    @Test
    void editsRemoveLinesAppendNewOnesAndKeepTheRestAsTheyCame() throws Exception {
        var head = request("GET /old HTTP/1.0\r\nHost: a\r\nConnection: keep-alive, X-Private\r\nX-Private: 1\r\nX-Kept:v  \r\nx-set: old\r\n\r\n");
        head.remove("x-private");
        head.remove("connection");
        head.set("x-set", "new");
        head.add("x-request-id", "id-1");
        head.add("x-request-id", "id-2");
        head.setTarget("/new");
        head.setMinorVersion(1);
        assertTrue(head.edited());
        assertEquals("GET /new HTTP/1.1\r\nHost: a\r\nX-Kept:v\r\nx-set: new\r\nx-request-id: id-1\r\nx-request-id: id-2\r\n\r\n", head.toString());
        assertEquals("new", head.get("x-set"));
        assertEquals("id-1", head.get("X-Request-Id"));
        assertNull(head.get("x-private"));
        assertEquals(5, head.size());
        head.remove("x-request-id");
        assertFalse(head.contains("x-request-id"));
    }

    @Test
    void keptLinesAreWrittenAsTheyCameAroundRemovedOnes() throws Exception {
        var head = HeadParser.response(bytes("HTTP/1.1 200 OK\r\nA: 1\r\nConnection: keep-alive\r\nB: 2 \r\nx-f: one\r\n  two\r\n"
                + "x-g: three\r\n \r\nC: 3\r\nKeep-Alive: timeout=5\r\n\r\n"), 1000);
        head.remove("connection");
        assertEquals("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nx-f: one    two\r\nx-g: three\r\nC: 3\r\nKeep-Alive: timeout=5\r\n\r\n",
                head.toString());
        head.remove("KEEP-ALIVE");
        head.remove("a");
        assertEquals("HTTP/1.1 200 OK\r\nB: 2\r\nx-f: one    two\r\nx-g: three\r\nC: 3\r\n\r\n", head.toString());
        head.removeAll(new String[] {"b", "C", "x-g"}, 3);
        head.add("x-new", "v");
        assertEquals("HTTP/1.1 200 OK\r\nx-f: one    two\r\nx-new: v\r\n\r\n", head.toString());
        head.removeAll(new String[] {"x-new", "x-f"}, 2);
        assertEquals("HTTP/1.1 200 OK\r\n\r\n", head.toString());
    }

    @Test
    void addedValuesAreWrittenAsIso88591WithAQuestionMarkPerCharacterOutsideIt() throws Exception {
        var head = HeadParser.response(bytes("HTTP/1.1 200 OK\r\n\r\n"), 1000);
        head.add("x-latin", "caf\u00e9");
        head.add("x-euro", "5\u20ac");
        head.add("x-emoji", "a\ud83d\ude00b");
        assertEquals("HTTP/1.1 200 OK\r\nx-latin: caf\u00e9\r\nx-euro: 5?\r\nx-emoji: a??b\r\n\r\n", head.toString());
    }

    @Test
    void aResponseVersionIsTheProxysAndTheRestOfTheStatusLineStays() throws Exception {
        var head = HeadParser.response(bytes("HTTP/1.1 418 I'm a teapot\r\n\r\n"), 1000);
        head.setMinorVersion(0);
        assertEquals("HTTP/1.0 418 I'm a teapot\r\n\r\n", head.toString());
    }

    @Test
    void tokensAreFoundInCommaSeparatedValues() throws Exception {
        var head = request("GET / HTTP/1.1\r\nconnection: keep-alive ,Upgrade\r\nconnection: x\r\n\r\n");
        assertTrue(head.hasToken("connection", "upgrade"));
        assertTrue(head.hasToken("connection", "x"));
        assertFalse(head.hasToken("connection", "close"));
        head.add("connection", "close");
        assertTrue(head.hasToken("connection", "close"));
    }

    @Test
    void commonMethodsAreConstants() throws Exception {
        assertTrue(request("GET / HTTP/1.1\r\n\r\n").method() == "GET");
        assertEquals("PURGE", request("PURGE / HTTP/1.1\r\n\r\n").method());
    }
}
