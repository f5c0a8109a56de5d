package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.Errors;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Listeners of both families on one port: when "any port" is tried again, and when it is not. */
class ServerChannelFamilyTest {

    @BeforeAll
    static void nativeTransport() {
        // Netty's Errors (NativeIoException's outer class) needs the native library the proxy loads at start.
        Epoll.ensureAvailability();
    }

    /** The way Netty's epoll transport throws a bind's EADDRINUSE: a checked exception, not declared. */
    private static RuntimeException sneaky(Exception e) {
        return ServerChannelFamilyTest.<RuntimeException>rethrow(e);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) throws E {
        throw (E) e;
    }

    @Test
    void anyPortTakenOnTheOtherFamilyIsTriedAgain() throws Exception {
        var inUse = new Errors.NativeIoException("bind(..) failed with error(-98): Address already in use", -98);
        var binder = new FailingWith(2, inUse);
        assertEquals(0, ServerChannelFamily.onOnePort(0, binder));
        assertEquals(List.of(0, 0, 0), binder.asked);
        var bindException = new FailingWith(1, new BindException("Address already in use"));
        assertEquals(0, ServerChannelFamily.onOnePort(0, bindException));
        assertEquals(2, bindException.asked.size());
    }

    @Test
    void aFixedPortTakenFailsAtOnceAndAnyPortGivesUpAfterSixteenTries() {
        var inUse = new Errors.NativeIoException("bind(..) failed with error(-98): Address already in use", -98);
        var fixed = new FailingWith(1, inUse);
        assertSame(inUse, assertThrows(Errors.NativeIoException.class, () -> ServerChannelFamily.onOnePort(15001, fixed)));
        assertEquals(List.of(15001), fixed.asked);
        var always = new FailingWith(Integer.MAX_VALUE, inUse);
        assertThrows(Errors.NativeIoException.class, () -> ServerChannelFamily.onOnePort(0, always));
        assertEquals(16, always.asked.size());
    }

    @Test
    void aTakenPortIsNamedInTheFailure() throws Exception {
        var group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (var taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            var address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            var listener = ServerChannelFamily.IPV4.newChannel();
            listener.pipeline().addLast(new ChannelInboundHandlerAdapter());
            group.next().register(listener).sync();
            var failure = assertThrows(BindException.class, () -> ServerChannelFamily.bound(listener.bind(address), address));
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": bind(..) failed with error(-98): Address already in use",
                    failure.getMessage());
            assertInstanceOf(Errors.NativeIoException.class, failure.getCause());
            assertTrue(listener.closeFuture().await(5_000), "the listener that could not bind is closed");
            // A fixed port taken fails at once, with the named failure.
            var fixed = new FailingWith(1, failure);
            assertSame(failure, assertThrows(BindException.class, () -> ServerChannelFamily.onOnePort(taken.getLocalPort(), fixed)));
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void anotherFailureIsNotTriedAgain() {
        var refused = new Errors.NativeIoException("bind(..) failed with error(-13): Permission denied", -13);
        var binder = new FailingWith(1, refused);
        assertThrows(Errors.NativeIoException.class, () -> ServerChannelFamily.onOnePort(0, binder));
        assertEquals(1, binder.asked.size());
        var noIpv6 = new FailingWith(1, new IllegalStateException("no IPv6"));
        assertThrows(IllegalStateException.class, () -> ServerChannelFamily.onOnePort(0, noIpv6));
        assertEquals(1, noIpv6.asked.size());
    }

    /** Throws {@code failure} (checked ones undeclared, as Netty does) the first {@code failures} times. */
    private static final class FailingWith implements ServerChannelFamily.SharedPort<Integer> {
        private final int failures;
        private final Exception failure;
        final List<Integer> asked = new ArrayList<>();

        FailingWith(int failures, Exception failure) {
            this.failures = failures;
            this.failure = failure;
        }

        @Override
        public Integer bind(int port) {
            asked.add(port);
            if (asked.size() <= failures) {
                throw sneaky(failure);
            }
            return port;
        }
    }
}
