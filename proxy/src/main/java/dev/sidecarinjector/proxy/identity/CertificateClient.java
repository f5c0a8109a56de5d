package dev.sidecarinjector.proxy.identity;

import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.api.ca.CertificateResponse;
import dev.sidecarinjector.api.json.Json;
import dev.sidecarinjector.api.json.JsonException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
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
        var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, CertificateRequest.PATH,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.HOST, host + ":" + port)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
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
                    new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES), new Answer(result));
        }
    }

    private record Send(DefaultFullHttpRequest request, CompletableFuture<CertificateResponse> result) implements ChannelFutureListener {
        @Override
        public void operationComplete(ChannelFuture connected) {
            if (connected.isSuccess()) {
                connected.channel().writeAndFlush(request);
            } else {
                request.release();
                result.completeExceptionally(connected.cause());
            }
        }
    }

    /** Reads the one response; anything but a 200 with a chain is a {@link Refused} with the CA's own reason. */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final CompletableFuture<CertificateResponse> result;

        Answer(CompletableFuture<CertificateResponse> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            var text = response.content().toString(StandardCharsets.UTF_8);
            var status = response.status().code();
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
            result.completeExceptionally(new java.io.IOException("the control plane closed the connection before answering"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }
    }
}
