import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.File;

/**
 * The floor under any mesh proxy on the proxy's runtime, for the HTTP section of the bench (peer {@code jvm-floor}):
 * the launcher's JVM and flags, Netty's epoll transport and HTTP/1.1 codec, and nothing of a proxy. It answers every
 * request itself (128 bytes, keep-alive) on one event loop, and holds the one connection every mesh proxy keeps: TLS
 * to the control plane, verified against the mesh's root certificate and the address dialled (BoringSSL when
 * netty-tcnative loads, as the proxy's own). No routing, upstream connections, metrics, admin or configuration.
 *
 * <pre>java FLAGS -cp sidecar-proxy.jar:DIR JvmFloor PORT ROOT_CERT CONTROL_PLANE_HOST CONTROL_PLANE_PORT</pre>
 * Prints {@code ready} once it listens and the handshake is done.
 */
public final class JvmFloor {

    private static final byte[] BODY = new byte[128];

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: JvmFloor PORT ROOT_CERT CONTROL_PLANE_HOST CONTROL_PLANE_PORT");
            System.exit(2);
        }
        var loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        new ServerBootstrap().group(loop).channel(EpollServerSocketChannel.class).childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Answer());
            }
        }).bind(Integer.parseInt(args[0])).sync();

        var tls = SslContextBuilder.forClient()
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .trustManager(new File(args[1]))
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
        var host = args[2];
        var port = Integer.parseInt(args[3]);
        var controlPlane = new Bootstrap().group(loop).channel(EpollSocketChannel.class).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(tls.newHandler(channel.alloc(), host, port));
            }
        }).connect(host, port).sync().channel();
        controlPlane.pipeline().get(SslHandler.class).handshakeFuture().sync();
        System.out.println("ready");
        controlPlane.closeFuture().sync();
        System.out.println("the control plane closed the connection; still answering");
        Thread.currentThread().join();
    }

    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(BODY));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            context.writeAndFlush(response);
        }
    }
}
