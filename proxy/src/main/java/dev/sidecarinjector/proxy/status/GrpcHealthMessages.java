package dev.sidecarinjector.proxy.status;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The two messages of gRPC's health check ({@code grpc.health.v1.Health/Check}), written and read by hand so that the
 * proxy needs no protobuf library: {@code HealthCheckRequest {string service = 1}} and
 * {@code HealthCheckResponse {ServingStatus status = 1}}, each in gRPC's length-prefixed framing (one byte, 0 for an
 * uncompressed message, then the message's length in four bytes, big-endian). Unknown fields of the response are
 * skipped, as protobuf readers skip them; anything malformed is an {@link IllegalArgumentException} naming what.
 */
final class GrpcHealthMessages {

    /** The method's path on the HTTP/2 request. */
    static final String PATH = "/grpc.health.v1.Health/Check";

    /** {@code HealthCheckResponse.ServingStatus}; a number the enum does not know is {@link #UNKNOWN}, as in proto3. */
    enum ServingStatus {
        UNKNOWN, SERVING, NOT_SERVING, SERVICE_UNKNOWN;

        static ServingStatus of(long number) {
            return number >= 0 && number < values().length ? values()[(int) number] : UNKNOWN;
        }
    }

    private static final int SERVICE_FIELD = 1 << 3 | 2; // field 1, length-delimited
    private static final int STATUS_FIELD = 1 << 3;      // field 1, varint
    /** Far above any real answer (a few bytes); a bound for what is read from the application. */
    static final int MAX_MESSAGE = 4096;

    private GrpcHealthMessages() {
    }

    /** The request for {@code service} ("" for the server as a whole: the field is then left out, as proto3 does), framed. */
    static byte[] request(String service) {
        var message = new ByteArrayOutputStream();
        if (!service.isEmpty()) {
            var name = service.getBytes(StandardCharsets.UTF_8);
            message.write(SERVICE_FIELD);
            writeVarint(message, name.length);
            message.writeBytes(name);
        }
        var body = message.toByteArray();
        var framed = new ByteArrayOutputStream(5 + body.length);
        framed.write(0);
        framed.write(body.length >>> 24);
        framed.write(body.length >>> 16);
        framed.write(body.length >>> 8);
        framed.write(body.length);
        framed.writeBytes(body);
        return framed.toByteArray();
    }

    /** The status in a response body: exactly one uncompressed, framed {@code HealthCheckResponse}. */
    static ServingStatus response(byte[] body) {
        if (body.length < 5) {
            throw new IllegalArgumentException("the response has " + body.length + " bytes, not a framed message");
        }
        if (body[0] != 0) {
            throw new IllegalArgumentException("the response message is compressed (flag " + body[0] + "), which was not asked for");
        }
        long length = (body[1] & 0xffL) << 24 | (body[2] & 0xff) << 16 | (body[3] & 0xff) << 8 | body[4] & 0xff;
        if (length != body.length - 5) {
            throw new IllegalArgumentException("the response frame says " + length + " bytes and carries " + (body.length - 5));
        }
        var reader = new Reader(body, 5);
        var status = ServingStatus.UNKNOWN;
        while (reader.more()) {
            long tag = reader.varint();
            int wireType = (int) (tag & 7);
            if (tag == STATUS_FIELD) {
                status = ServingStatus.of(reader.varint()); // the last one wins, as protobuf merges
                continue;
            }
            switch (wireType) {
                case 0 -> reader.varint();
                case 1 -> reader.skip(8);
                case 2 -> reader.skip(reader.varint());
                case 5 -> reader.skip(4);
                default -> throw new IllegalArgumentException("the response has field " + (tag >>> 3) + " of wire type " + wireType
                        + ", which protobuf does not have");
            }
        }
        return status;
    }

    /** The number in a {@code grpc-status} header; -1 for none or one that is not a number. */
    static int grpcStatus(CharSequence value) {
        if (value == null || value.isEmpty() || value.length() > 3) {
            return -1;
        }
        int status = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            status = status * 10 + (c - '0');
        }
        return status;
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write(value & 0x7f | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static final class Reader {
        private final byte[] bytes;
        private int at;

        Reader(byte[] bytes, int at) {
            this.bytes = bytes;
            this.at = at;
        }

        boolean more() {
            return at < bytes.length;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= bytes.length) {
                    throw new IllegalArgumentException("the response ends inside a number");
                }
                int b = bytes[at++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("the response has a number longer than ten bytes");
        }

        void skip(long count) {
            if (count < 0 || count > bytes.length - at) {
                throw new IllegalArgumentException("the response ends inside a field of " + count + " bytes");
            }
            at += (int) count;
        }
    }
}
