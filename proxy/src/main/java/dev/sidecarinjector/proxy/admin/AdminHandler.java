package dev.sidecarinjector.proxy.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers {@code GET} on a fixed set of paths with one HTTP/1.1 response, then closes the connection:
 * probes and scrapes come every few seconds, so keep-alive would only hold sockets open. It reads the
 * request head itself rather than with Netty's HTTP codec, which loaded ~150 classes (+2.6 MB RSS on
 * the first probe) to parse a request line.
 */
final class AdminHandler extends ChannelInboundHandlerAdapter {
    /** Request heads are a few hundred bytes; anything longer is not a probe. */
    static final int MAX_HEAD = 8192;

    /** One page of the admin endpoint. */
    record Page(int status, String reason, String contentType, String body) {
        static Page text(int status, String reason, String body) {
            return new Page(status, reason, "text/plain", body);
        }
    }

    /**
     * Requests the fixed pages do not answer: given the request line's method and path (query removed) and the peer,
     * returns true when it took the request (it answers later with {@link #answer}), false to fall through to 404.
     */
    interface Dynamic {
        boolean serve(ChannelHandlerContext ctx, String method, String path);
    }

    private final Map<String, Supplier<Page>> routes;
    private final Dynamic dynamic;
    private final StringBuilder head = new StringBuilder(256);
    private boolean answered;

    AdminHandler(Map<String, Supplier<Page>> routes) {
        this(routes, null);
    }

    AdminHandler(Map<String, Supplier<Page>> routes, Dynamic dynamic) {
        this.routes = routes;
        this.dynamic = dynamic;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (answered || !(msg instanceof ByteBuf bytes)) {
                return; // request bodies and anything after the head are ignored
            }
            head.append(bytes.toString(StandardCharsets.ISO_8859_1));
            int end = head.indexOf("\r\n\r\n");
            if (end < 0 && head.length() > MAX_HEAD) {
                answered = true;
                answer(ctx, Page.text(431, "Request Header Fields Too Large", "request head too large\n"));
            } else if (end >= 0) {
                answered = true;
                var page = route(ctx, head.substring(0, head.indexOf("\r\n")));
                if (page != null) {
                    answer(ctx, page);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!answered) {
            ctx.read();
        }
    }

    /** {@code METHOD SP request-target SP HTTP-version}; the query string is ignored. Null: a dynamic route answers. */
    private Page route(ChannelHandlerContext ctx, String requestLine) {
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            return Page.text(400, "Bad Request", "not an HTTP/1.x request line\n");
        }
        int query = parts[1].indexOf('?');
        var path = query < 0 ? parts[1] : parts[1].substring(0, query);
        Supplier<Page> route = routes.get(path);
        if (route == null) {
            if (dynamic != null && dynamic.serve(ctx, parts[0], path)) {
                return null;
            }
            return Page.text(404, "Not Found", "not found\n");
        }
        if (!parts[0].equals("GET")) {
            return Page.text(405, "Method Not Allowed", "use GET\n");
        }
        return route.get();
    }

    /** Writes {@code page} as the one response of the connection and closes it; callable from any thread. */
    static void answer(ChannelHandlerContext ctx, Page page) {
        byte[] body = page.body().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + page.status() + ' ' + page.reason() + "\r\ncontent-type: " + page.contentType()
                + "\r\ncontent-length: " + body.length + "\r\nconnection: close\r\n\r\n";
        ByteBuf response = Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
