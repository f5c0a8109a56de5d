package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OriginalDestinationTest {

    @Test
    void parsesSockaddrInWithHostOrderFamilyAndNetworkOrderPortAndAddress() throws IOException {
        ByteBuffer sockaddr = ByteBuffer.allocate(16);
        sockaddr.order(ByteOrder.nativeOrder()).putShort(0, (short) 2);
        sockaddr.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) 8080);
        sockaddr.put(4, new byte[] {10, (byte) 251, 7, 1});

        assertEquals(new InetSocketAddress("10.251.7.1", 8080), OriginalDestination.parse(sockaddr.array()));
    }

    @Test
    void highPortsAreUnsigned() throws IOException {
        ByteBuffer sockaddr = ByteBuffer.allocate(16);
        sockaddr.order(ByteOrder.nativeOrder()).putShort(0, (short) 2);
        sockaddr.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) 65000);
        assertEquals(65000, OriginalDestination.parse(sockaddr.array()).getPort());
    }

    @Test
    void rejectsNonIpv4Family() {
        ByteBuffer sockaddr = ByteBuffer.allocate(16);
        sockaddr.order(ByteOrder.nativeOrder()).putShort(0, (short) 10);
        assertThrows(IOException.class, () -> OriginalDestination.parse(sockaddr.array()));
    }

    @Test
    void unconnectedSocketHasNoOriginalDestination() throws Exception {
        Epoll.ensureAvailability();
        var channel = new EpollSocketChannel();
        try {
            var error = assertThrows(IOException.class, () -> OriginalDestination.of(channel));
            assertTrue(error.getMessage().contains("not redirected"), error.getMessage());
        } finally {
            channel.unsafe().closeForcibly();
        }
    }

    @Test
    void channelWithoutRawSocketOptionsIsAnErrorNotACrash() {
        var error = assertThrows(IOException.class, () -> OriginalDestination.of(new EmbeddedChannel()));
        assertTrue(error.getMessage().contains("not supported"), error.getMessage());
    }

    /** Without REDIRECT there is no NAT entry (ENOENT); with conntrack on, the "original" is the address dialled. */
    @Test
    void socketThatWasNotRedirectedHasNoOtherDestination() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        var answer = new CompletableFuture<Object>();
        try {
            var server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            try {
                                answer.complete(OriginalDestination.of(ctx.channel()));
                            } catch (IOException e) {
                                answer.complete(e);
                            }
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            var local = (InetSocketAddress) server.localAddress();
            try (var client = new Socket(local.getAddress(), local.getPort())) {
                Object result = answer.get(5, TimeUnit.SECONDS);
                if (result instanceof IOException e) {
                    assertTrue(e.getMessage().contains("not redirected"), e.getMessage());
                } else {
                    assertEquals(local, result);
                }
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
