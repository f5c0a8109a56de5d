package dev.sidecarinjector.proxy.status;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.proxy.status.GrpcHealthMessages.ServingStatus;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The health check's messages against their protobuf encoding, written out byte by byte from the wire format. */
class GrpcHealthMessagesTest {

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void theRequestForTheWholeServerIsAnEmptyMessage() {
        assertArrayEquals(hex("00 00000000"), GrpcHealthMessages.request(""));
    }

    @Test
    void theRequestCarriesTheServiceAsField1() {
        // tag 0x0a (field 1, length-delimited), length 2, "db"
        assertArrayEquals(hex("00 00000004 0a 02 6462"), GrpcHealthMessages.request("db"));
        // UTF-8, its length in bytes
        assertArrayEquals(hex("00 00000004 0a 02 c3a9"), GrpcHealthMessages.request("é"));
    }

    @Test
    void aServiceNameOf200BytesHasATwoByteLength() {
        var request = GrpcHealthMessages.request("s".repeat(200));
        assertArrayEquals(hex("00 000000cb 0a c801"), Arrays.copyOf(request, 8));
        assertEquals(5 + 3 + 200, request.length);
    }

    @Test
    void eachServingStatusIsRead() {
        assertEquals(ServingStatus.SERVING, GrpcHealthMessages.response(hex("00 00000002 0801")));
        assertEquals(ServingStatus.NOT_SERVING, GrpcHealthMessages.response(hex("00 00000002 0802")));
        assertEquals(ServingStatus.SERVICE_UNKNOWN, GrpcHealthMessages.response(hex("00 00000002 0803")));
        // proto3 leaves the default out: an empty message is UNKNOWN (0)
        assertEquals(ServingStatus.UNKNOWN, GrpcHealthMessages.response(hex("00 00000000")));
        // a number this enum does not know
        assertEquals(ServingStatus.UNKNOWN, GrpcHealthMessages.response(hex("00 00000002 0809")));
    }

    @Test
    void unknownFieldsAreSkippedAndTheLastStatusWins() {
        // field 2 varint 300, field 3 "xy", field 4 fixed64, field 5 fixed32, then status SERVING
        var body = hex("00 00000017 10ac02 1a027879 210102030405060708 2d01020304 0801");
        assertEquals(ServingStatus.SERVING, GrpcHealthMessages.response(body));
        assertEquals(ServingStatus.NOT_SERVING, GrpcHealthMessages.response(hex("00 00000004 0801 0802")));
    }

    @Test
    void aMalformedResponseIsRefusedSayingWhat() {
        assertEquals("the response has 3 bytes, not a framed message",
                assertThrows(IllegalArgumentException.class, () -> GrpcHealthMessages.response(hex("000000"))).getMessage());
        assertEquals("the response message is compressed (flag 1), which was not asked for",
                assertThrows(IllegalArgumentException.class, () -> GrpcHealthMessages.response(hex("01 00000002 0801"))).getMessage());
        assertEquals("the response frame says 3 bytes and carries 2",
                assertThrows(IllegalArgumentException.class, () -> GrpcHealthMessages.response(hex("00 00000003 0801"))).getMessage());
        assertEquals("the response ends inside a number",
                assertThrows(IllegalArgumentException.class, () -> GrpcHealthMessages.response(hex("00 00000002 0881"))).getMessage());
        assertEquals("the response ends inside a field of 5 bytes",
                assertThrows(IllegalArgumentException.class, () -> GrpcHealthMessages.response(hex("00 00000003 1a0578"))).getMessage());
        assertEquals("the response has field 1 of wire type 7, which protobuf does not have",
                assertThrows(IllegalArgumentException.class, () -> GrpcHealthMessages.response(hex("00 00000001 0f"))).getMessage());
        assertEquals("the response has a number longer than ten bytes",
                assertThrows(IllegalArgumentException.class, () -> GrpcHealthMessages.response(hex("00 0000000b 08ffffffffffffffffffff"))).getMessage());
    }

    @Test
    void grpcStatusHeaders() {
        assertEquals(0, GrpcHealthMessages.grpcStatus("0"));
        assertEquals(12, GrpcHealthMessages.grpcStatus("12"));
        assertEquals(-1, GrpcHealthMessages.grpcStatus(null));
        assertEquals(-1, GrpcHealthMessages.grpcStatus(""));
        assertEquals(-1, GrpcHealthMessages.grpcStatus("OK"));
        assertEquals(-1, GrpcHealthMessages.grpcStatus("1234"));
    }
}
