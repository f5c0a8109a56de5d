package dev.sidecarinjector.proxy.tls;

import dev.sidecarinjector.proxy.identity.WorkloadCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mesh peer for the tests: serves mutual TLS with {@link MeshTls}'s server context for its certificate, and records
 * for every connection the ALPN its SslHandler selected and the client certificate's serial. Plain TCP after the
 * handshake: {@code http} answers each request head with a 200 "peer", otherwise every byte is echoed.
 */
final class MeshPeer implements AutoCloseable {

    record Seen(String alpn, java.math.BigInteger clientSerial, String clientIdentity) {
    }

    final List<Seen> connections = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    MeshPeer(WorkloadCertificate certificate, boolean http) throws Exception {
        var contexts = MeshTls.contexts(certificate);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        var ssl = contexts.server(http).newHandler(channel.alloc());
                        channel.pipeline().addLast(ssl, new Recorder(ssl, http));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Recorder extends ChannelInboundHandlerAdapter {
        private final SslHandler ssl;
        private final boolean http;
        private final StringBuilder head = new StringBuilder();

        Recorder(SslHandler ssl, boolean http) {
            this.ssl = ssl;
            this.http = http;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                var leaf = (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
                var identity = PeerIdentity.of(ssl);
                connections.add(new Seen(ssl.applicationProtocol(), leaf.getSerialNumber(), identity == null ? null : identity.uri()));
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            var bytes = (ByteBuf) msg;
            if (!http) {
                ctx.writeAndFlush(bytes);
                return;
            }
            head.append(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
            int end;
            while ((end = head.indexOf("\r\n\r\n")) >= 0) {
                head.delete(0, end + 4);
                ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\npeer", StandardCharsets.US_ASCII));
            }
        }
    }
}
