package dev.sidecarinjector.proxy.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers GET on a fixed set of paths. Each response closes the connection: probes and scrapes come
 * every few seconds, so keep-alive would only hold sockets open.
 */
final class AdminHandler extends SimpleChannelInboundHandler<HttpObject> {
    /** One page of the admin endpoint. */
    record Page(HttpResponseStatus status, String contentType, String body) {
    }

    private final Map<String, Supplier<Page>> routes;

    AdminHandler(Map<String, Supplier<Page>> routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (!(msg instanceof HttpRequest request)) {
            return; // request bodies are ignored
        }
        String path = new QueryStringDecoder(request.uri()).path();
        Supplier<Page> route = routes.get(path);
        Page page;
        if (route == null) {
            page = new Page(HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
        } else if (!HttpMethod.GET.equals(request.method())) {
            page = new Page(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "use GET\n");
        } else {
            page = route.get();
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, page.status(),
                Unpooled.copiedBuffer(page.body(), StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, page.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
