package dev.sidecarinjector.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A request's body read into one array, at most {@code limit} bytes however it is sent. Vert.x's own reading
 * ({@code request.body()}) bounds nothing once the headers are through (a chunked body declares no length, so
 * Quarkus's {@code max-body-size} check, which reads the declared length, never sees it), and it grows its buffer from
 * 256 bytes by doubling and then copies it out again: for the bench's 8.6 KB review, 33 KB allocated and 17 KB copied.
 * Here the array is sized from {@code Content-Length} when the request declares one (up to 128 KiB; it grows past that
 * as the bytes come), and a body past the limit is answered 413 by the caller, the rest of it read and dropped, and
 * the connection closed once the answer is written and the body has ended, or {@link #LINGER_MILLIS} after the answer:
 * closed with the client's bytes unread, the connection would be reset, and a client still sending could lose the
 * answer with it (nginx's lingering close).
 */
public final class BoundedBody {

    /** The array a body of undeclared length starts with; it doubles as needed, up to the limit. */
    private static final int UNDECLARED_START = 16 * 1024;
    /**
     * The most allocated for a declared length before its bytes arrive: a client declaring the limit and sending
     * nothing holds this much until the body deadline, not the limit. An AdmissionReview is rarely larger.
     */
    private static final int DECLARED_START_MAX = 128 * 1024;
    /** How long a body refused with 413 is still read, at most, before its connection is closed. */
    private static final long LINGER_MILLIS = 2_000;
    /** The largest array the JVM allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** The bytes of a body: {@code array}'s first {@code length}. */
    public record Bytes(byte[] array, int length) {

        /** The body as an array of its own length: {@code array} itself when it is that already. */
        public byte[] exact() {
            return array.length == length ? array : Arrays.copyOf(array, length);
        }
    }

    private final long limit;
    private byte[] array;
    private int length;

    private BoundedBody(long limit, int initial) {
        this.limit = Math.min(limit, MAX_ARRAY);
        this.array = new byte[initial];
    }

    /**
     * Reads {@code request}'s body (paused or not: it is resumed) and hands it to {@code complete} once it has ended.
     * A body of more than {@code limit} bytes, declared or sent, is given to {@code tooLarge} instead, once, with what
     * was too large ({@code "5000000 bytes declared"}, {@code "more than 4194304 bytes sent"}); it writes the 413 and
     * returns the write's future, and the connection is then closed as the class comment says.
     */
    public static void read(HttpServerRequest request, long limit, Vertx vertx, Consumer<Bytes> complete,
                            Function<String, Future<?>> tooLarge) {
        var declared = declaredLength(request);
        if (declared > limit) {
            refuse(request, vertx, tooLarge, declared + " bytes declared");
            request.resume();
            return;
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            request.response().writeContinue();
        }
        var body = new BoundedBody(limit, (int) Math.min(limit, declared >= 0 ? Math.min(declared, DECLARED_START_MAX) : UNDECLARED_START));
        // A refusal replaces both handlers: what comes after it is dropped, and its end closes the connection.
        request.handler(chunk -> {
            if (!body.append(chunk)) {
                refuse(request, vertx, tooLarge, "more than " + limit + " bytes sent");
            }
        });
        request.endHandler(ended -> complete.accept(new Bytes(body.array, body.length)));
        request.resume();
    }

    /** The declared {@code Content-Length}, -1 when there is none or it is not a number (Vert.x refuses those). */
    private static long declaredLength(HttpServerRequest request) {
        var declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared == null) {
            return -1;
        }
        try {
            return Long.parseLong(declared.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Copies {@code chunk} in, growing the array; false when the body would pass the limit. */
    private boolean append(Buffer chunk) {
        var size = chunk.length();
        if (length + (long) size > limit) {
            return false;
        }
        if (length + size > array.length) {
            array = Arrays.copyOf(array, (int) Math.min(limit, Math.max(length + (long) size, 2L * array.length)));
        }
        chunk.getBytes(0, size, array, length);
        length += size;
        return true;
    }

    /**
     * The 413, written by {@code tooLarge} with {@code Connection: close}; the rest of the body dropped, the connection
     * closed after the answer and the body's end, or after the linger.
     */
    private static void refuse(HttpServerRequest request, Vertx vertx, Function<String, Future<?>> tooLarge, String what) {
        var connection = request.connection();
        var closing = new int[1];
        Runnable closeOnSecond = () -> {
            if (++closing[0] == 2) {
                connection.close();
            }
        };
        request.handler(dropped -> {
        });
        request.endHandler(ended -> closeOnSecond.run());
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        tooLarge.apply(what).onComplete(written -> {
            closeOnSecond.run();
            vertx.setTimer(LINGER_MILLIS, late -> connection.close());
        });
    }
}
