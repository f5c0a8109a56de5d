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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** {@code struct sockaddr_in6}: family (host order), port (network order), flow info, 16-byte address, scope id (host order). */
    private static byte[] sockaddrIn6(String address, int port, int scope) throws IOException {
        ByteBuffer sockaddr = ByteBuffer.allocate(28);
        sockaddr.order(ByteOrder.nativeOrder()).putShort(0, (short) 10);
        sockaddr.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        sockaddr.putInt(4, 0x12345);
        byte[] bytes = java.net.InetAddress.ofLiteral(address).getAddress();
        // The JDK reads ::ffff:a.b.c.d as IPv4: the kernel's 16 bytes are ten zeros, two 0xff, then the four.
        sockaddr.put(bytes.length == 4 ? 20 : 8, bytes);
        if (bytes.length == 4) {
            sockaddr.putShort(18, (short) 0xffff);
        }
        sockaddr.order(ByteOrder.nativeOrder()).putInt(24, scope);
        return sockaddr.array();
    }

    @Test
    void parsesSockaddrIn6() throws IOException {
        var destination = OriginalDestination.parse(sockaddrIn6("fd00:252:2::2", 9000, 0));
        assertEquals(new InetSocketAddress(java.net.InetAddress.ofLiteral("fd00:252:2::2"), 9000), destination);
        assertTrue(destination.getAddress() instanceof java.net.Inet6Address);
        assertEquals(65000, OriginalDestination.parse(sockaddrIn6("::1", 65000, 0)).getPort());
    }

    @Test
    void aLinkLocalDestinationKeepsItsScope() throws IOException {
        var address = (java.net.Inet6Address) OriginalDestination.parse(sockaddrIn6("fe80::1", 80, 3)).getAddress();
        assertEquals(3, address.getScopeId());
        assertEquals("fe80:0:0:0:0:0:0:1%3", address.getHostAddress());
    }

    @Test
    void anIpv4MappedDestinationIsIpv4() throws IOException {
        assertEquals(new InetSocketAddress("10.251.7.1", 80), OriginalDestination.parse(sockaddrIn6("::ffff:10.251.7.1", 80, 0)));
    }

    @Test
    void rejectsOtherFamiliesAndShortSockaddrIn6() {
        ByteBuffer unix = ByteBuffer.allocate(16);
        unix.order(ByteOrder.nativeOrder()).putShort(0, (short) 1);
        assertEquals("original destination is neither IPv4 nor IPv6 (family 1)",
                assertThrows(IOException.class, () -> OriginalDestination.parse(unix.array())).getMessage());
        ByteBuffer shortIn6 = ByteBuffer.allocate(16);
        shortIn6.order(ByteOrder.nativeOrder()).putShort(0, (short) 10);
        assertEquals("sockaddr_in6 too short: 16 bytes",
                assertThrows(IOException.class, () -> OriginalDestination.parse(shortIn6.array())).getMessage());
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
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void socketThatWasNotRedirectedHasNoOtherDestination(String loopback) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        var answer = new CompletableFuture<Object>();
        try {
            var family = loopback.contains(":") ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
            var server = new ServerBootstrap().group(group).channelFactory(() -> new EpollServerSocketChannel(family))
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
                    .bind(new InetSocketAddress(loopback, 0)).sync().channel();
            var local = (InetSocketAddress) server.localAddress();
            try (var client = java.nio.channels.SocketChannel.open(local)) {
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
