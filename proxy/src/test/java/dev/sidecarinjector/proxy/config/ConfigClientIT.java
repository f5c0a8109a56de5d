package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.stream.ProxyNode;
import dev.sidecarinjector.api.stream.StreamMessage;
import dev.sidecarinjector.proxy.DevCerts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The config client against a WebSocket-over-TLS server on loopback (Netty, certificates from hack/dev-certs.sh):
 * hello, ack, nack, the reconnect after the server closes (delays recorded by a fake scheduler), and TLS failures.
 */
class ConfigClientIT {

    private static final Path CERTS = Path.of("target/config-client-certs").toAbsolutePath();
    private static final Path OTHER_CA = Path.of("target/config-client-other-ca").toAbsolutePath();
    private static final ProxyNode NODE = new ProxyNode("default", "app-1", "10.0.0.9", "app");
    private static EventLoopGroup loops;
    private static Channel server;
    private static final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private static final List<Channel> peers = new CopyOnWriteArrayList<>();
    /** The connection whose message arrived last: the one the test answers (a failed client's may linger). */
    private static volatile Channel speaker;

    private final ExecutorService configThread = Executors.newSingleThreadExecutor();
    private final List<Long> delays = new CopyOnWriteArrayList<>();
    private ConfigClient client;

    @BeforeAll
    static void startServer() throws Exception {
        DevCerts.in(CERTS);
        DevCerts.in(OTHER_CA);
        loops = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        SslContext tls = SslContextBuilder.forServer(CERTS.resolve("tls.crt").toFile(), CERTS.resolve("tls.key").toFile()).build();
        server = new ServerBootstrap().group(loops).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new HttpServerCodec(), new HttpObjectAggregator(65_536),
                                new WebSocketServerProtocolHandler(StreamMessage.PATH), new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    public void handlerAdded(ChannelHandlerContext ctx) {
                                        peers.add(ctx.channel());
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                                        speaker = ctx.channel();
                                        received.add(frame.text());
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("0.0.0.0", 0)).sync().channel();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        configThread.shutdownNow();
        for (var peer : peers) {
            peer.close();
        }
        peers.clear();
        received.clear();
    }

    private ConfigClient client(String host, Path rootCert) throws Exception {
        var port = ((InetSocketAddress) server.localAddress()).getPort();
        var settings = new MeshSettings(host, port, rootCert, Path.of("/nonexistent"), Duration.ofSeconds(30), 0, NODE);
        client = new ConfigClient(settings, ControlPlaneTls.client(rootCert), new StreamSession(NODE, new SnapshotHolder()), loops, EpollSocketChannel.class,
                new ConfigClient.Scheduler() {
                    @Override
                    public void schedule(Runnable task, long delayMillis) {
                        delays.add(delayMillis); // recorded, then run at once: the test does not wait for backoff
                        configThread.execute(task);
                    }

                    @Override
                    public void execute(Runnable task) {
                        configThread.execute(task);
                    }
                }, new Backoff(() -> 0.0));
        return client;
    }

    private static String next() throws InterruptedException {
        var message = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(message, "nothing received within 10 s");
        return message;
    }

    private static void send(String text) throws InterruptedException {
        speaker.writeAndFlush(new TextWebSocketFrame(text));
    }

    @Test
    void saysHelloAcksAGoodSnapshotNacksABadOneKeepingTheGoodOneAndAppliesADelta() throws Exception {
        var client = client("localhost", CERTS.resolve("ca.crt"));
        client.start();
        assertEquals(new StreamMessage.Hello(NODE, ""), StreamMessage.parse(next()));
        send(StreamSessionTest.push("7-1", 5432, false));
        assertEquals(new StreamMessage.Ack("7-1"), StreamMessage.parse(next()));
        assertEquals(ConfigClient.State.CONNECTED, client.state());

        send(StreamSessionTest.push("7-2", 6432, true));
        var nack = (StreamMessage.Nack) StreamMessage.parse(next());
        assertEquals("7-2", nack.version());
        assertEquals(StreamSessionTest.snapshot("7-1", 5432, false), client.session().holder().current().snapshot());
        var dump = new ConfigDump(client).configDump();
        assertTrue(dump.contains("\"version\": \"7-1\"") && dump.contains("\"rejectedVersion\": \"7-2\"") && dump.contains("\"connection\": \"connected\""), dump);

        send(StreamSessionTest.delta("7-3", "7-1", StreamSessionTest.snapshot("7-1", 5432, false), StreamSessionTest.snapshot("7-3", 5433, false)));
        assertEquals(new StreamMessage.Ack("7-3"), StreamMessage.parse(next()));
        assertEquals(StreamSessionTest.snapshot("7-3", 5433, false), client.session().holder().current().snapshot());
        var db = "outbound|5432||db.default.svc.cluster.local";
        assertEquals(db + "::observability_name::" + db + "\n" + db + "::cx_active::0\n" + db + "::rq_pending_active::0\n"
                + db + "::rq_active::0\n" + db + "::10.0.0.7:5433::rq_active::0\n" + db + "::10.0.0.7:5433::health_flags::healthy\n"
                + db + "::10.0.0.7:5433::outlier_ejections::0\n", new ConfigDump(client).clusters());
    }

    @Test
    void readsASnapshotSentInFragmentsWithPingsBetweenThem() throws Exception {
        var client = client("localhost", CERTS.resolve("ca.crt"));
        client.start();
        next();
        // As the control plane's server splits a large message into frames of its maximum frame size; the pings
        // between them are answered (RFC 6455 lets control frames come inside a fragmented message).
        var push = StreamSessionTest.push("7-1", 5432, false).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var third = push.length / 3;
        speaker.write(new TextWebSocketFrame(false, 0, io.netty.buffer.Unpooled.wrappedBuffer(push, 0, third)));
        speaker.write(new io.netty.handler.codec.http.websocketx.PingWebSocketFrame());
        speaker.write(new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(false, 0,
                io.netty.buffer.Unpooled.wrappedBuffer(push, third, third)));
        speaker.writeAndFlush(new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(true, 0,
                io.netty.buffer.Unpooled.wrappedBuffer(push, 2 * third, push.length - 2 * third)));
        assertEquals(new StreamMessage.Ack("7-1"), StreamMessage.parse(next()));
        assertEquals(StreamSessionTest.snapshot("7-1", 5432, false), client.session().holder().current().snapshot());
    }

    @Test
    void reconnectsWithBackoffWhenTheServerClosesAndSaysWhichVersionItHolds() throws Exception {
        var client = client("127.0.0.1", CERTS.resolve("ca.crt"));
        client.start();
        next();
        send(StreamSessionTest.push("7-1", 5432, false));
        next();
        speaker.writeAndFlush(new CloseWebSocketFrame(1013, "try again later"));
        assertEquals(new StreamMessage.Hello(NODE, "7-1"), StreamMessage.parse(next()), "a new connection says hello with the version held");
        assertEquals(List.of(50L), delays, "one reconnect after the first backoff step");
        assertEquals(StreamSessionTest.snapshot("7-1", 5432, false), client.session().holder().current().snapshot());

        // Without a snapshot in between, the next failure waits one step longer.
        speaker.close();
        next();
        assertEquals(List.of(50L, 100L), delays);
    }

    @Test
    void aCertificateFromAnotherCaIsAClearTlsError() throws Exception {
        var client = client("localhost", OTHER_CA.resolve("ca.crt"));
        client.start();
        for (var i = 0; i < 1000 && delays.isEmpty(); i++) {
            Thread.sleep(10);
        }
        client.close();
        assertTrue(client.lastError().startsWith("TLS handshake failed, the control plane's certificate is not trusted by --root-cert"),
                client.lastError());
        assertTrue(received.isEmpty(), "no hello over an unverified connection");
    }

    @Test
    void aCertificateForAnotherHostIsAClearTlsError() throws Exception {
        var client = client("127.0.0.2", CERTS.resolve("ca.crt"));
        client.start();
        for (var i = 0; i < 1000 && delays.isEmpty(); i++) {
            Thread.sleep(10);
        }
        client.close();
        assertTrue(client.lastError().startsWith("TLS handshake failed") && client.lastError().contains("127.0.0.2"), client.lastError());
    }
}
