package dev.sidecarinjector.proxy.run;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.NetUtil;
import io.netty.util.internal.PlatformDependent;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * Makes the proxy's epoll listening sockets, one family each: a listener that serves both families is two sockets on
 * one port, the IPv6 one {@code IPV6_V6ONLY}, rather than one dual-stack socket (what ip6tables redirected arrives
 * on the IPv6 one, where {@link OriginalDestination}'s IPv6 call is the one that answers; and a peer's address is
 * never an IPv4-mapped one). A named class rather than a lambda, which would cost a generated class.
 */
public final class ServerChannelFamily implements ChannelFactory<EpollServerSocketChannel> {
    public static final ServerChannelFamily IPV4 = new ServerChannelFamily(false);
    public static final ServerChannelFamily IPV6 = new ServerChannelFamily(true);

    /** {@code setsockopt(fd, SOL_IPV6 = 41, IPV6_V6ONLY = 26, 1)}: Netty's epoll transport has no named option for it. */
    private static final IntegerUnixChannelOption IPV6_V6ONLY = new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26);

    /** Linux's {@code -EADDRINUSE}, as Netty's native transport reports a bind to a port already taken. */
    private static final int EADDRINUSE_NEGATIVE = -98;
    /** How often listeners asked for any port are made again when the port the first got is taken on the other family. */
    private static final int ANY_PORT_ATTEMPTS = 16;

    private final boolean ipv6;

    /** Binds the listeners that share one port, of both families; closes what it bound before it throws. */
    public interface SharedPort<T> {
        T bind(int port) throws InterruptedException;
    }

    /**
     * {@code listeners} bound on {@code port}. For any port (0) the kernel picks one that is free for the first
     * listener's family only: when the other family has it taken ("address already in use"), the listeners are made
     * again on another, at most 16 times. A fixed port that is taken fails at once, as it always did.
     */
    public static <T> T onOnePort(int port, SharedPort<T> listeners) throws InterruptedException {
        for (var attempt = 1; ; attempt++) {
            try {
                return listeners.bind(port);
            } catch (Exception e) {
                if (port != 0 || attempt >= ANY_PORT_ATTEMPTS || !addressInUse(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean addressInUse(Throwable e) {
        return e instanceof BindException || e instanceof Errors.NativeIoException error && error.expectedErr() == EADDRINUSE_NEGATIVE;
    }

    /**
     * The listener {@code bind} makes on {@code address}, once bound. A bind the kernel refuses is thrown naming the
     * address (Netty's message names only the error, so a proxy that cannot start said "Address already in use" and
     * not which port): a {@link BindException} when the address is taken (what {@link #onOnePort} tries again for any
     * port), else a {@link SocketException}, each with Netty's as its cause; the listener is closed. Anything else
     * (a family the kernel does not have) is thrown as it came.
     */
    public static Channel bound(ChannelFuture bind, InetSocketAddress address) throws InterruptedException {
        bind.await();
        if (bind.isSuccess()) {
            return bind.channel();
        }
        var cause = bind.cause();
        if (cause instanceof Errors.NativeIoException || cause instanceof SocketException) {
            bind.channel().close();
            var message = "cannot listen on " + NetUtil.toSocketAddressString(address) + ": " + cause.getMessage();
            var named = addressInUse(cause) ? new BindException(message) : new SocketException(message);
            named.initCause(cause);
            cause = named;
        }
        PlatformDependent.throwException(cause);
        return null;
    }

    private ServerChannelFamily(boolean ipv6) {
        this.ipv6 = ipv6;
    }

    /**
     * @throws io.netty.channel.ChannelException when the kernel has no such family (IPv6 turned off at boot)
     */
    @Override
    public EpollServerSocketChannel newChannel() {
        var listener = new EpollServerSocketChannel(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
        if (ipv6) {
            listener.config().setOption(IPV6_V6ONLY, 1);
        }
        return listener;
    }

    /** The family's any address, {@code ::} or {@code 0.0.0.0}. */
    public String anyAddress() {
        return ipv6 ? "::" : "0.0.0.0";
    }

    @Override
    public String toString() {
        return ipv6 ? "IPv6" : "IPv4";
    }
}
