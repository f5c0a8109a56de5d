package dev.sidecarinjector.proxy.identity;

import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.api.ca.CertificateResponse;
import dev.sidecarinjector.api.json.Json;
import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.net.HostPort;
import dev.sidecarinjector.proxy.codec.BadMessage;
import dev.sidecarinjector.proxy.codec.BodyFramer;
import dev.sidecarinjector.proxy.codec.ClientRequest;
import dev.sidecarinjector.proxy.codec.Cumulation;
import dev.sidecarinjector.proxy.codec.HeadParser;
import dev.sidecarinjector.proxy.codec.MessageHead;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the control plane's CA for a certificate: {@code POST /v1/certificate} over TLS on 15012 with the pod's
 * ServiceAccount token, one connection per request (a request a day per proxy). The answer completes the future
 * with the chain's PEM certificates, or fails it with a {@link Refused} carrying the status and the CA's reason.
 */
public final class CertificateClient implements CertificateSource {

    /** The CA said no (or is not there: 404 from a control plane without one). */
    public static final class Refused extends Exception {
        private final int status;

        Refused(int status, String reason) {
            super(reason);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private static final int MAX_RESPONSE_BYTES = 256 * 1024;
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int TIMEOUT_SECONDS = 10;

    private final String host;
    private final int port;
    private final SslContext tls;
    private final EventLoopGroup loops;
    private final Class<? extends SocketChannel> channelType;

    public CertificateClient(String host, int port, SslContext tls, EventLoopGroup loops, Class<? extends SocketChannel> channelType) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.loops = loops;
        this.channelType = channelType;
    }

    @Override
    public CompletableFuture<CertificateResponse> request(String csrPem, long validitySeconds, String token) {
        var result = new CompletableFuture<CertificateResponse>();
        var body = new CertificateRequest(csrPem, validitySeconds > 0 ? OptionalLong.of(validitySeconds) : OptionalLong.empty()).toJson();
        byte[] request;
        try {
            request = ClientRequest.encode("POST", CertificateRequest.PATH, body.getBytes(StandardCharsets.UTF_8),
                    "Host", HostPort.join(host, port), "Content-Type", "application/json",
                    "Authorization", "Bearer " + token, "Connection", "close");
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(new IOException("cannot send the certificate request: " + e.getMessage()));
            return result;
        }
        new Bootstrap().group(loops).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, TIMEOUT_SECONDS * 1000)
                .handler(new Pipeline(this, result))
                .connect(host, port)
                .addListener(new Send(request, result));
        return result;
    }

    private static final class Pipeline extends ChannelInitializer<SocketChannel> {
        private final CertificateClient client;
        private final CompletableFuture<CertificateResponse> result;

        Pipeline(CertificateClient client, CompletableFuture<CertificateResponse> result) {
            this.client = client;
            this.result = result;
        }

        @Override
        protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(client.tls.newHandler(ch.alloc(), client.host, client.port), new ReadTimeoutHandler(TIMEOUT_SECONDS),
                    new Answer(result));
        }
    }

    private record Send(byte[] request, CompletableFuture<CertificateResponse> result) implements ChannelFutureListener {
        @Override
        public void operationComplete(ChannelFuture connected) {
            if (connected.isSuccess()) {
                connected.channel().writeAndFlush(Unpooled.wrappedBuffer(request));
            } else {
                result.completeExceptionally(connected.cause());
            }
        }
    }

    /**
     * Reads the one response (its head, then its body by {@code Content-Length}, chunks or up to the close, at most
     * {@link #MAX_RESPONSE_BYTES}); anything but a 200 with a chain is a {@link Refused} with the CA's own reason.
     */
    private static final class Answer extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<CertificateResponse> result;
        private ByteBuf held;
        private MessageHead head;
        private BodyFramer framer;
        private ByteBuf body;

        Answer(CompletableFuture<CertificateResponse> result) {
            this.result = result;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf read) || result.isDone()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            held = Cumulation.append(held, read, ctx.alloc());
            try {
                if (head == null) {
                    head = HeadParser.response(held, MAX_HEAD_BYTES);
                    if (head == null) {
                        return;
                    }
                    framer = BodyFramer.forResponse(head, "POST");
                    framer.dechunk();
                    body = ctx.alloc().heapBuffer();
                }
                ByteBuf part;
                while ((part = framer.next(held)) != null) {
                    try {
                        if (body.readableBytes() + part.readableBytes() > MAX_RESPONSE_BYTES) {
                            throw new IOException("the control plane's answer is over " + MAX_RESPONSE_BYTES + " bytes");
                        }
                        body.writeBytes(part);
                    } finally {
                        part.release();
                    }
                }
                if (framer.ended()) {
                    answered(ctx);
                }
            } catch (BadMessage e) {
                fail(ctx, new IOException("the control plane's answer is not HTTP/1.1: " + e.getMessage()));
            } catch (IOException e) {
                fail(ctx, e);
            } finally {
                if (held != null && !held.isReadable()) {
                    held.release(); // what the body took was copied out; the next read starts a new buffer
                    held = null;
                }
            }
        }

        private void answered(ChannelHandlerContext ctx) {
            var text = body.toString(StandardCharsets.UTF_8);
            var status = head.status();
            try {
                if (status == 200) {
                    result.complete(CertificateResponse.parse(text));
                } else {
                    result.completeExceptionally(new Refused(status, status + " " + reason(text)));
                }
            } catch (JsonException e) {
                result.completeExceptionally(new Refused(status, "the CA's answer is not a certificate chain: " + e.getMessage()));
            }
            ctx.close();
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }

        /** The CA answers errors as {@code {"error": "..."}}; anything else is shown as it came (cut). */
        private static String reason(String text) {
            try {
                if (Json.parse(text) instanceof java.util.Map<?, ?> map && map.get("error") instanceof String error) {
                    return error;
                }
            } catch (JsonException notJson) {
                // shown below as it came
            }
            var shown = text.strip().replaceAll("\\s+", " ");
            return shown.length() > 200 ? shown.substring(0, 200) + "…" : shown;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!result.isDone() && framer != null && framer.untilClose()) {
                answered(ctx); // the body ran to the close
            }
            result.completeExceptionally(new IOException("the control plane closed the connection before answering"));
            for (var buf : new ByteBuf[] {held, body}) {
                if (buf != null) {
                    buf.release();
                }
            }
            held = null;
            body = null;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }
    }
}
