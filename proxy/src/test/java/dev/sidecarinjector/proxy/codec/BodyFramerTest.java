package dev.sidecarinjector.proxy.codec;

import static dev.sidecarinjector.proxy.codec.HeadParserTest.bytes;
import static dev.sidecarinjector.proxy.codec.HeadParserTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BodyFramerTest {

    /** Feeds {@code body} in pieces of {@code step} bytes; what the framer passed on, and what was left after its end. */
    private static String[] frame(BodyFramer framer, String body, int step) throws BadMessage {
        var passed = new StringBuilder();
        var in = bytes("");
        var all = body.getBytes(StandardCharsets.ISO_8859_1);
        for (var at = 0; at < all.length && !framer.ended(); at += step) {
            in.writeBytes(all, at, Math.min(step, all.length - at));
            ByteBuf part;
            while ((part = framer.next(in)) != null) {
                passed.append(part.toString(StandardCharsets.ISO_8859_1));
                part.release();
            }
            if (framer.ended()) {
                in.writeBytes(all, Math.min(at + step, all.length), Math.max(0, all.length - at - step));
            }
        }
        return new String[] {passed.toString(), in.toString(StandardCharsets.ISO_8859_1)};
    }

    private static BodyFramer forRequest(String headers) throws BadMessage {
        return BodyFramer.forRequest(request("POST / HTTP/1.1\r\n" + headers + "\r\n"));
    }

    @Test
    void aContentLengthBodyEndsAfterItsBytesWhateverTheReads() throws Exception {
        for (var step = 1; step <= 12; step++) {
            var framer = forRequest("content-length: 5\r\n");
            var out = frame(framer, "helloGET / HTTP/1.1", step);
            assertTrue(framer.ended());
            assertEquals("hello", out[0]);
            assertEquals("GET / HTTP/1.1", out[1]);
            assertEquals(5, framer.dataBytes());
        }
    }

    @Test
    void aChunkedBodyPassesWithItsFramingAndTrailersAndEndsAtItsLastChunk() throws Exception {
        var body = "5;ext=\"x\"\r\nhello\r\nB\r\n world, and\r\n0\r\nx-trailer: 1\r\n\r\n";
        for (var step = 1; step <= body.length(); step++) {
            var framer = forRequest("transfer-encoding: chunked\r\n");
            var out = frame(framer, body + "NEXT", step);
            assertTrue(framer.ended(), "step " + step);
            assertEquals(body, out[0], "step " + step);
            assertEquals("NEXT", out[1], "step " + step);
            assertEquals(16, framer.dataBytes());
        }
    }

    @Test
    void anHttp10ClientGetsOnlyTheData() throws Exception {
        var response = HeadParser.response(bytes("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"), 1000);
        for (var step = 1; step < 10; step++) {
            var framer = BodyFramer.forResponse(response, "GET");
            framer.dechunk();
            var out = frame(framer, "5\r\nhello\r\n1\r\n!\r\n0\r\nx-t: 1\r\n\r\n", step);
            assertTrue(framer.ended());
            assertEquals("hello!", out[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "transfer-encoding: chunked\r\ncontent-length: 3\r\n",   // both: the smuggling classic
        "content-length: 3\r\ncontent-length: 3\r\n",           // repeated, even when equal
        "content-length: 3\r\ncontent-length: 4\r\n",
        "content-length: 3, 3\r\n",
        "content-length: +3\r\n",
        "content-length: -1\r\n",
        "content-length: 3x\r\n",
        "content-length: 0x10\r\n",
        "content-length: 99999999999999999999\r\n",
        "content-length: \r\n",
        "transfer-encoding: chunked, gzip\r\n",                  // chunked not last
        "transfer-encoding: gzip\r\n",
        "transfer-encoding: xchunked\r\n",
        "transfer-encoding: chunked\r\ntransfer-encoding: chunked\r\n",
        "transfer-encoding: chunked, chunked\r\n",
    })
    void ambiguousRequestFramingIsRefused(String headers) {
        assertThrows(BadMessage.class, () -> forRequest(headers));
    }

    @Test
    void transferEncodingIsRefusedInHttp10Requests() {
        assertThrows(BadMessage.class, () -> BodyFramer.forRequest(request("POST / HTTP/1.0\r\ntransfer-encoding: chunked\r\n\r\n")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "content-length:  3 |false|false",
        "transfer-encoding: gzip, chunked|true|false",
        "transfer-encoding: Chunked|true|false",
        "content-length: 0|false|true",
        "x-none: 1|false|true",
    })
    void acceptedRequestFraming(String header, boolean chunked, boolean bodiless) throws Exception {
        var framer = forRequest(header + "\r\n");
        assertEquals(chunked, framer.chunked());
        assertEquals(bodiless, !framer.hasBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "zz\r\nabc\r\n0\r\n\r\n",          // not hexadecimal
        " 3\r\nabc\r\n0\r\n\r\n",
        "3 \r\nabc\r\n0\r\n\r\n",
        "-3\r\nabc\r\n0\r\n\r\n",
        "\r\nabc\r\n0\r\n\r\n",            // no size
        "3\r\nabcX\r\n0\r\n\r\n",          // data longer than its size
        "3\nabc\n0\n\n",                   // bare LF
        "3\r\nabc\r\n0\r\nbad trailer\r\n\r\n",
        "3\r\nabc\r\n0\r\nx-t: a\0b\r\n\r\n",
        "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "3;a\0b\r\nabc\r\n0\r\n\r\n",
    })
    void badChunkedBodiesAreRefused(String body) {
        assertThrows(BadMessage.class, () -> frame(forRequest("transfer-encoding: chunked\r\n"), body, 64));
    }

    @Test
    void aChunkLineThatNeverEndsIsRefused() {
        var framer = assertDoesNotThrowFramer();
        assertThrows(BadMessage.class, () -> frame(framer, "1" + ";x".repeat(5000), 100));
    }

    private static BodyFramer assertDoesNotThrowFramer() {
        try {
            return forRequest("transfer-encoding: chunked\r\n");
        } catch (BadMessage e) {
            throw new AssertionError(e);
        }
    }

    /** Header lines are separated by ~ (a CSV value has no line breaks). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET |HTTP/1.1 204 No Content~content-length: 5|false",
        "GET |HTTP/1.1 304 Not Modified~content-length: 5|false",
        "GET |HTTP/1.1 101 Switching Protocols~upgrade: websocket|false",
        "GET |HTTP/1.1 100 Continue|false",
        "HEAD|HTTP/1.1 200 OK~content-length: 5|false",
        "CONNECT|HTTP/1.1 200 OK|false",
        "GET |HTTP/1.1 200 OK~content-length: 5|true",
        "GET |HTTP/1.1 200 OK|true",
    })
    void responsesWithoutABody(String method, String head, boolean hasBody) throws Exception {
        var framer = BodyFramer.forResponse(HeadParser.response(bytes(head.replace("~", "\r\n") + "\r\n\r\n"), 1000), method.trim());
        assertEquals(hasBody, framer.hasBody());
    }

    @Test
    void aResponseWithoutFramingRunsToTheClose() throws Exception {
        var framer = BodyFramer.forResponse(HeadParser.response(bytes("HTTP/1.0 200 OK\r\n\r\n"), 1000), "GET");
        assertTrue(framer.untilClose());
        var out = frame(framer, "all of it", 4);
        assertEquals("all of it", out[0]);
        assertFalse(framer.ended());
        var gzip = BodyFramer.forResponse(HeadParser.response(bytes("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n"), 1000), "GET");
        assertTrue(gzip.untilClose());
    }

    @Test
    void aResponseWithBothLengthsIsRefused() {
        assertThrows(BadMessage.class, () -> BodyFramer.forResponse(HeadParser.response(
                bytes("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n"), 1000), "GET"));
    }
}
