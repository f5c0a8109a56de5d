package dev.sidecarinjector.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.api.ca.CertificateResponse;
import dev.sidecarinjector.proxy.DevCerts;
import dev.sidecarinjector.proxy.config.ControlPlaneTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The certificate request against a TLS server on loopback that answers with the bytes each test gives (certificates
 * from hack/dev-certs.sh): the request as sent, and every way an answer can be framed or refused.
 */
class CertificateClientIT {

    private static final Path CERTS = Path.of("target/certificate-client-certs").toAbsolutePath();
    private static final String CHAIN = new CertificateResponse(List.of("LEAF", "ROOT")).toJson();

    private static EventLoopGroup loops;
    private static Channel server;
    /** What the server answers, raw (it closes the connection after), and the request it read. */
    private static final AtomicReference<String> answer = new AtomicReference<>();
    private static final AtomicReference<String> request = new AtomicReference<>();

    @BeforeAll
    static void startServer() throws Exception {
        DevCerts.in(CERTS);
        loops = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        var tls = SslContextBuilder.forServer(CERTS.resolve("tls.crt").toFile(), CERTS.resolve("tls.key").toFile()).build();
        server = new ServerBootstrap().group(loops).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                            private final StringBuilder read = new StringBuilder();

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                read.append(((ByteBuf) msg).toString(StandardCharsets.UTF_8));
                                ((ByteBuf) msg).release();
                                var end = read.indexOf("\r\n\r\n");
                                var length = read.toString().replaceAll("(?s).*Content-Length: (\\d+).*", "$1");
                                if (end >= 0 && read.length() >= end + 4 + Integer.parseInt(length)) {
                                    request.set(read.toString());
                                    ctx.writeAndFlush(Unpooled.copiedBuffer(answer.get(), StandardCharsets.UTF_8))
                                            .addListener(ChannelFutureListener.CLOSE);
                                }
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static CertificateResponse ask(String answerBytes) throws Exception {
        answer.set(answerBytes);
        var port = ((InetSocketAddress) server.localAddress()).getPort();
        var client = new CertificateClient("localhost", port, ControlPlaneTls.client(CERTS.resolve("ca.crt")), loops, EpollSocketChannel.class);
        return client.request("CSR PEM", 3600, "the-token").get(10, TimeUnit.SECONDS);
    }

    private static Throwable refusal(String answerBytes) {
        var e = assertThrows(ExecutionException.class, () -> ask(answerBytes));
        return e.getCause();
    }

    @Test
    void postsTheCsrWithTheTokenAndReadsTheChain() throws Exception {
        var chain = ask("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + CHAIN.length() + "\r\n\r\n" + CHAIN);
        assertEquals(List.of("LEAF", "ROOT"), chain.certChain());
        var sent = request.get();
        var port = ((InetSocketAddress) server.localAddress()).getPort();
        assertTrue(sent.startsWith("POST /v1/certificate HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer the-token\r\nConnection: close\r\nContent-Length: "), sent);
        var body = new CertificateRequest("CSR PEM", OptionalLong.of(3600)).toJson();
        assertTrue(sent.endsWith("Content-Length: " + body.length() + "\r\n\r\n" + body), sent);
    }

    @Test
    void readsAChunkedAnswerAndOneThatRunsToTheClose() throws Exception {
        var half = CHAIN.length() / 2;
        var chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(half) + "\r\n" + CHAIN.substring(0, half)
                + "\r\n" + Integer.toHexString(CHAIN.length() - half) + "\r\n" + CHAIN.substring(half) + "\r\n0\r\n\r\n";
        assertEquals(List.of("LEAF", "ROOT"), ask(chunked).certChain());
        assertEquals(List.of("LEAF", "ROOT"), ask("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + CHAIN).certChain());
    }

    @Test
    void aRefusalCarriesTheStatusAndTheCasReason() {
        var body = "{\"error\":\"the token's service account is not the one in the CSR\"}";
        var refused = assertInstanceOf(CertificateClient.Refused.class,
                refusal("HTTP/1.1 403 Forbidden\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
        assertEquals(403, refused.status());
        assertEquals("403 the token's service account is not the one in the CSR", refused.getMessage());
        refused = assertInstanceOf(CertificateClient.Refused.class, refusal("HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nnot found\n"));
        assertEquals("404 not found", refused.getMessage());
    }

    @Test
    void anAnswerThatIsNotAChainOrNotHttpOrCutShortIsAClearError() {
        var notAChain = refusal("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}").getMessage();
        assertTrue(notAChain.startsWith("the CA's answer is not a certificate chain: "), notAChain);
        assertTrue(refusal("SSH-2.0-OpenSSH_9.2\r\n\r\n").getMessage().startsWith("the control plane's answer is not HTTP/1.1: "));
        assertEquals("the control plane closed the connection before answering",
                refusal("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"certChain\":").getMessage());
        assertEquals("the control plane's answer is over 262144 bytes",
                refusal("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n" + "x".repeat(300_000)).getMessage());
    }

    @Test
    void aTokenThatWouldBreakTheHeaderIsNotSent() {
        var port = ((InetSocketAddress) server.localAddress()).getPort();
        var e = assertThrows(ExecutionException.class, () -> new CertificateClient("localhost", port, ControlPlaneTls.client(CERTS.resolve("ca.crt")),
                loops, EpollSocketChannel.class).request("CSR", 0, "token\r\nX-Injected: yes").get(10, TimeUnit.SECONDS));
        assertEquals("cannot send the certificate request: the value of header Authorization has a character a header cannot carry (U+000D)"
                + " at index 12", e.getCause().getMessage());
    }
}
