package dev.sidecarinjector.proxy.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HeadParserTest {

    static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    static MessageHead request(String text) throws BadMessage {
        return HeadParser.request(bytes(text), 60 * 1024);
    }

    @Test
    void aRequestHeadIsReadOffTheBufferAndItsHeadersFoundByAnyCase() throws Exception {
        var in = bytes("\r\nGET /p?q=1 HTTP/1.1\r\nHost: reviews:9080\r\nX-Two: a\r\nx-two:  b \r\n\r\nnext");
        var head = HeadParser.request(in, 1000);
        assertEquals("GET", head.method());
        assertEquals("/p?q=1", head.target());
        assertEquals(1, head.minorVersion());
        assertEquals("reviews:9080", head.get("host"));
        assertEquals(java.util.List.of("a", "b"), head.getAll("x-two"));
        assertEquals(3, head.size());
        assertFalse(head.edited());
        assertEquals("next", in.toString(StandardCharsets.ISO_8859_1), "the head, and only it, is read off");
    }

    @Test
    void anIncompleteHeadReadsNothing() throws Exception {
        var in = bytes("GET / HTTP/1.1\r\nhost: a\r\n");
        assertNull(HeadParser.request(in, 1000));
        assertEquals(0, in.readerIndex());
        in.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("a", HeadParser.request(in, 1000).get("host"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\nhost: a\n\n",                // bare LF
        "GET / HTTP/1.1\r\nhost: a\n\r\n",            // bare LF ending a header
        "GET / HTTP/1.1\r\nhost: a\rb\r\n\r\n",       // bare CR in a value
        "GET / HTTP/1.1\r\nhost : a\r\n\r\n",         // whitespace before the colon
        "GET / HTTP/1.1\r\n host: a\r\n\r\n",         // continuation with nothing to continue
        "GET / HTTP/1.1\r\nho\0st: a\r\n\r\n",        // NUL in a name
        "GET / HTTP/1.1\r\nhost: a\0b\r\n\r\n",       // NUL in a value
        "GET / HTTP/1.1\r\nhost: a\u007fb\r\n\r\n",   // DEL in a value
        "GET / HTTP/1.1\r\nhost: a\u0001b\r\n\r\n",   // control character in a value
        "GET / HTTP/1.1\r\nho@st: a\r\n\r\n",         // not a token
        "GET / HTTP/1.1\r\nho\"st: a\r\n\r\n",
        "GET / HTTP/1.1\r\n: a\r\n\r\n",              // no name
        "GET / HTTP/1.1\r\nnocolon\r\n\r\n",
        "GET /a b HTTP/1.1\r\nhost: a\r\n\r\n",       // space in the target
        "GET /\u0001 HTTP/1.1\r\nhost: a\r\n\r\n",    // control character in the target
        "GET / HTTP/2.0\r\nhost: a\r\n\r\n",
        "GET / HTTPS/1.1\r\nhost: a\r\n\r\n",
        "GET /\r\n\r\n",                              // HTTP/0.9
        "G\u0001T / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1 \r\nhost: a\r\n\r\n",         // trailing space
        "GET / HTTP/1.1\r\nhost: a\r\n\r\r\n\r\n",
    })
    void hostileRequestHeadsAreRefused(String head) {
        var refused = assertThrows(BadMessage.class, () -> request(head));
        assertFalse(refused.tooLarge());
    }

    @Test
    void aHeadLongerThanTheFirstCopyIsReadWholeAndOnlyIt() throws Exception {
        var text = new StringBuilder("GET / HTTP/1.1\r\n");
        for (var i = 0; i < 100; i++) {
            text.append("x-h").append(i).append(": ").append("v".repeat(40)).append(i).append("\r\n");
        }
        var in = bytes(text + "host: a\r\n");
        assertNull(HeadParser.request(in, 60 * 1024));
        assertEquals(0, in.readerIndex());
        in.writeBytes("\r\nnext".getBytes(StandardCharsets.US_ASCII));
        var head = HeadParser.request(in, 60 * 1024);
        assertEquals(101, head.size());
        assertEquals("v".repeat(40) + 99, head.get("x-h99"));
        assertEquals("a", head.get("host"));
        assertEquals("next", in.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aHeadOverTheLimitIsTooLargeEvenBeforeItEnds() {
        var big = "GET / HTTP/1.1\r\nx-big: " + "a".repeat(2000);
        assertTrue(assertThrows(BadMessage.class, () -> HeadParser.request(bytes(big), 1000)).tooLarge());
        assertTrue(assertThrows(BadMessage.class, () -> HeadParser.request(bytes(big + "\r\n\r\n"), 1000)).tooLarge());
        var longLine = "GET /" + "a".repeat(2000);
        assertTrue(assertThrows(BadMessage.class, () -> HeadParser.request(bytes(longLine), 1000)).tooLarge());
    }

    @Test
    void obsFoldIsJoinedWithSpaces() throws Exception {
        var head = request("GET / HTTP/1.1\r\nx-f: one\r\n  two\r\nhost: a\r\n\r\n");
        assertEquals("one    two", head.get("x-f"));
        assertEquals("a", head.get("host"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET / HTTP/1.1          | GET / HTTP/1.1",
        "GET  /  HTTP/1.1        | GET / HTTP/1.1",
        "get / http/1.1          | get / HTTP/1.1",
        "GET / HTTP/1.0          | GET / HTTP/1.0",
        "GET / HTTP/1.2          | GET / HTTP/1.1",
        "FOO /\u00e9 HTTP/1.1    | FOO /\u00e9 HTTP/1.1",
    })
    void requestLinesAreTakenAndWrittenInTheirCanonicalForm(String line, String written) throws Exception {
        var head = request(line + "\r\nhost: a\r\n\r\n");
        assertEquals(written + "\r\nhost: a\r\n\r\n", head.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 200 OK    | 200",
        "HTTP/1.0 404       | 404",
        "HTTP/1.1 503 Service Unavailable | 503",
    })
    void statusLines(String line, int status) throws Exception {
        var head = HeadParser.response(bytes(line + "\r\ncontent-length: 0\r\n\r\n"), 1000);
        assertEquals(status, head.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/2 200 OK", "HTTP/1.1 200 O\u0001K", "ICY 200 OK", "HTTP/1.1"})
    void badStatusLinesAreRefused(String line) {
        assertThrows(BadMessage.class, () -> HeadParser.response(bytes(line + "\r\n\r\n"), 1000));
    }
}
