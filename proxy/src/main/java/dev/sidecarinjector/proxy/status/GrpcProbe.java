package dev.sidecarinjector.proxy.status;

import dev.sidecarinjector.proxy.status.GrpcHealthMessages.ServingStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * kubelet's gRPC probe, run by the status port: {@code grpc.health.v1.Health/Check} for the probe's service over HTTP/2
 * without TLS (prior knowledge, as kubelet dials), on a socket the caller opened from 127.0.0.6. The HTTP/2 framing is
 * Netty's codec in an {@link EmbeddedChannel} fed from the blocking socket, so the probe's virtual thread runs it all
 * and no event loop is involved. Healthy only when the application answers {@code SERVING} with gRPC status 0; the
 * reasons read as kubelet's do ({@code service unhealthy (responded with "NOT_SERVING")}).
 */
final class GrpcProbe {

    private GrpcProbe() {
    }

    static ProbeRunner.Result check(Socket socket, String authority, String service, int timeoutMs) throws IOException {
        var deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        var call = new Call();
        var channel = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().autoAckSettingsFrame(true).autoAckPingFrame(true).build(), call);
        try {
            var headers = new DefaultHttp2Headers()
                    .method("POST").scheme("http").path(GrpcHealthMessages.PATH).authority(authority)
                    .set("content-type", "application/grpc")
                    .set("te", "trailers")
                    .set("user-agent", ProbeRunner.USER_AGENT)
                    .set("grpc-timeout", Math.max(1, timeoutMs) + "m");
            var stream = call.newStream();
            channel.write(new DefaultHttp2HeadersFrame(headers, false).stream(stream));
            channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(GrpcHealthMessages.request(service)), true).stream(stream));
            // The whole request (preface, SETTINGS, HEADERS, DATA) in one write: an application that is not HTTP/2 and
            // closes after the first bytes it reads would otherwise turn its answer into a broken pipe on the next write.
            send(channel, socket);
            var buffer = new byte[16 * 1024];
            var sending = true;
            while (!call.done) {
                var left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return timeout(timeoutMs);
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                int read;
                try {
                    read = socket.getInputStream().read(buffer);
                } catch (SocketTimeoutException e) {
                    return timeout(timeoutMs);
                }
                if (read < 0) {
                    return failed("the application closed the connection before answering");
                }
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(buffer, 0, read));
                } catch (Exception e) {
                    // The codec's own errors, thrown through the embedded channel: what came is not HTTP/2.
                    return failed("error: health rpc probe failed: not an HTTP/2 answer (" + e.getMessage() + ")");
                }
                if (sending) {
                    try {
                        send(channel, socket);
                    } catch (IOException e) {
                        // Only acknowledgements go out now: the answer, or why it never comes, is what the next read says.
                        sending = false;
                    }
                }
            }
            return call.result();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** What the codec has to send, in one write. */
    private static void send(EmbeddedChannel channel, Socket socket) throws IOException {
        var pending = new ByteArrayOutputStream();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            try {
                out.readBytes(pending, out.readableBytes());
            } finally {
                out.release();
            }
        }
        if (pending.size() > 0) {
            pending.writeTo(socket.getOutputStream());
            socket.getOutputStream().flush();
        }
    }

    private static ProbeRunner.Result timeout(int timeoutMs) {
        return failed("timeout: health rpc did not complete within " + timeoutMs + "ms");
    }

    private static ProbeRunner.Result failed(String reason) {
        return new ProbeRunner.Result(500, reason);
    }

    /** The one call's frames as they come: response headers, the message, trailers (or a Trailers-Only answer). */
    private static final class Call extends Http2ChannelDuplexHandler {
        private boolean done;
        private CharSequence httpStatus;
        private CharSequence grpcStatus;
        private CharSequence grpcMessage;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        private String failure;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object frame) {
            try {
                switch (frame) {
                    case Http2HeadersFrame headers -> {
                        read(headers.headers());
                        done |= headers.isEndStream();
                    }
                    case Http2DataFrame data -> {
                        if (message.size() + data.content().readableBytes() > GrpcHealthMessages.MAX_MESSAGE) {
                            fail("the answer is larger than " + GrpcHealthMessages.MAX_MESSAGE + " bytes");
                        } else {
                            data.content().readBytes(message, data.content().readableBytes());
                        }
                        done |= data.isEndStream();
                    }
                    case Http2ResetFrame reset -> fail("the application reset the call (HTTP/2 error " + reset.errorCode() + ")");
                    case Http2GoAwayFrame goAway -> {
                        if (goAway.lastStreamId() < 1) {
                            fail("the application refused the call (GOAWAY, HTTP/2 error " + goAway.errorCode() + ")");
                        }
                    }
                    default -> {
                    }
                }
            } catch (IOException e) {
                fail(e.getMessage());
            } finally {
                ReferenceCountUtil.release(frame);
            }
        }

        private void read(Http2Headers headers) {
            if (headers.status() != null) {
                httpStatus = headers.status();
            }
            if (headers.get("grpc-status") != null) {
                grpcStatus = headers.get("grpc-status");
                grpcMessage = headers.get("grpc-message");
            }
        }

        private void fail(String reason) {
            if (failure == null) {
                failure = reason;
            }
            done = true;
        }

        ProbeRunner.Result result() {
            if (failure != null) {
                return failed(failure);
            }
            if (httpStatus == null || !"200".contentEquals(httpStatus)) {
                return failed("error: health rpc probe failed: the application answered HTTP status " + httpStatus + ", not gRPC");
            }
            int code = GrpcHealthMessages.grpcStatus(grpcStatus);
            if (code != 0) {
                var detail = grpcMessage == null ? "" : ": " + grpcMessage;
                if (code == 12) {
                    return failed("this server does not implement the grpc health protocol (grpc.health.v1.Health)" + detail);
                }
                return failed("error: health rpc probe failed: grpc-status " + (code < 0 ? "missing" : code) + detail);
            }
            ServingStatus status;
            try {
                status = GrpcHealthMessages.response(message.toByteArray());
            } catch (IllegalArgumentException e) {
                return failed("error: health rpc probe failed: " + e.getMessage());
            }
            return status == ServingStatus.SERVING
                    ? new ProbeRunner.Result(200, "service healthy")
                    : failed("service unhealthy (responded with \"" + status + "\")");
        }
    }
}
