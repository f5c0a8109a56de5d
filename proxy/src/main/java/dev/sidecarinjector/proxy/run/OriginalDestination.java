package dev.sidecarinjector.proxy.run;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.RawUnixChannelOption;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The destination a client dialled before iptables REDIRECT sent it to the proxy:
 * {@code getsockopt(fd, SOL_IP, SO_ORIGINAL_DST)} on the accepted epoll channel, through Netty's raw
 * socket option (its JNI code makes the call), or on a connection accepted by the IPv6 listener (ip6tables
 * REDIRECT) {@code getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST)}: each family's conntrack answers only its own
 * level. The FFM API did the same, and kept its linker, layouts and generated method handles loaded for the life
 * of the proxy. The call is one non-blocking syscall, safe on an event loop.
 */
public final class OriginalDestination implements DestinationResolver {
    static final OriginalDestination RESOLVER = new OriginalDestination();
    private static final int SOL_IP = 0;
    private static final int SOL_IPV6 = 41;
    private static final int SO_ORIGINAL_DST = 80;
    private static final int IP6T_SO_ORIGINAL_DST = 80;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int SOCKADDR_IN6_SIZE = 28;
    /** strerror(ENOENT): the kernel has no NAT entry for the socket. */
    private static final String ENOENT_TEXT = "No such file or directory";
    private static final RawUnixChannelOption IPV4 =
            new RawUnixChannelOption("SO_ORIGINAL_DST", SOL_IP, SO_ORIGINAL_DST, SOCKADDR_IN_SIZE);
    private static final RawUnixChannelOption IPV6 =
            new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", SOL_IPV6, IP6T_SO_ORIGINAL_DST, SOCKADDR_IN6_SIZE);

    private OriginalDestination() {
    }

    @Override
    public InetSocketAddress resolve(Channel accepted) throws IOException {
        return of(accepted);
    }

    /**
     * @param accepted an epoll socket channel (others do not know raw options)
     * @throws IOException when the socket was not redirected (no NAT entry) or the call failed
     */
    public static InetSocketAddress of(Channel accepted) throws IOException {
        // The accepted channel's local address was read when it was made: asking costs nothing.
        var option = accepted.localAddress() instanceof InetSocketAddress local && local.getAddress() instanceof Inet6Address ? IPV6 : IPV4;
        ByteBuffer sockaddr;
        try {
            sockaddr = accepted.config().getOption(option);
        } catch (ChannelException e) {
            // Netty's JNI code reports the failure as "getsockopt() failed: " + strerror(errno), no number.
            String reason = String.valueOf(e.getMessage());
            throw new IOException(reason.endsWith(ENOENT_TEXT)
                    ? "no original destination (connection was not redirected)"
                    : option.name() + ": " + reason, e);
        }
        if (sockaddr == null) {
            throw new IOException("getsockopt(" + option.name() + ") is not supported by " + accepted.getClass().getName());
        }
        byte[] bytes = new byte[sockaddr.remaining()];
        sockaddr.get(bytes);
        return parse(bytes);
    }

    /**
     * Reads a {@code struct sockaddr_in} (family in host order, then port and address in network order) or a
     * {@code struct sockaddr_in6} (family, port, flow info, 16-byte address, scope id in host order).
     */
    static InetSocketAddress parse(byte[] sockaddr) throws IOException {
        if (sockaddr.length < 8) {
            throw new IOException("sockaddr too short: " + sockaddr.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(sockaddr);
        int family = buffer.order(ByteOrder.nativeOrder()).getShort(0);
        int port = buffer.order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff;
        try {
            if (family == AF_INET) {
                byte[] address = {sockaddr[4], sockaddr[5], sockaddr[6], sockaddr[7]};
                return new InetSocketAddress(InetAddress.getByAddress(address), port);
            }
            if (family == AF_INET6) {
                if (sockaddr.length < SOCKADDR_IN6_SIZE) {
                    throw new IOException("sockaddr_in6 too short: " + sockaddr.length + " bytes");
                }
                byte[] address = new byte[16];
                System.arraycopy(sockaddr, 8, address, 0, 16);
                int scope = buffer.order(ByteOrder.nativeOrder()).getInt(24);
                // A link-local destination is only reachable through its interface; an IPv4-mapped one comes back IPv4.
                return new InetSocketAddress(scope != 0 ? Inet6Address.getByAddress(null, address, scope) : InetAddress.getByAddress(address), port);
            }
        } catch (UnknownHostException e) {
            throw new IOException(e);
        }
        throw new IOException("original destination is neither IPv4 nor IPv6 (family " + family + ")");
    }
}
