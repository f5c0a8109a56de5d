package dev.sidecarinjector.proxy.run;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.RawUnixChannelOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The destination a client dialled before iptables REDIRECT sent it to the proxy:
 * {@code getsockopt(fd, SOL_IP, SO_ORIGINAL_DST)} on the accepted epoll channel, through Netty's raw
 * socket option (its JNI code makes the call). The FFM API did the same, and kept its linker, layouts
 * and generated method handles loaded for the life of the proxy. The call is one non-blocking
 * syscall, safe on an event loop.
 */
public final class OriginalDestination implements DestinationResolver {
    static final OriginalDestination RESOLVER = new OriginalDestination();
    private static final int SOL_IP = 0;
    private static final int SO_ORIGINAL_DST = 80;
    private static final int AF_INET = 2;
    private static final int SOCKADDR_IN_SIZE = 16;
    /** strerror(ENOENT): the kernel has no NAT entry for the socket. */
    private static final String ENOENT_TEXT = "No such file or directory";
    private static final RawUnixChannelOption OPTION =
            new RawUnixChannelOption("SO_ORIGINAL_DST", SOL_IP, SO_ORIGINAL_DST, SOCKADDR_IN_SIZE);

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
        ByteBuffer sockaddr;
        try {
            sockaddr = accepted.config().getOption(OPTION);
        } catch (ChannelException e) {
            // Netty's JNI code reports the failure as "getsockopt() failed: " + strerror(errno), no number.
            String reason = String.valueOf(e.getMessage());
            throw new IOException(reason.endsWith(ENOENT_TEXT)
                    ? "no original destination (connection was not redirected)"
                    : "SO_ORIGINAL_DST: " + reason, e);
        }
        if (sockaddr == null) {
            throw new IOException("getsockopt(SO_ORIGINAL_DST) is not supported by " + accepted.getClass().getName());
        }
        byte[] bytes = new byte[sockaddr.remaining()];
        sockaddr.get(bytes);
        return parse(bytes);
    }

    /** Reads a {@code struct sockaddr_in}: family in host order, then port and address in network order. */
    static InetSocketAddress parse(byte[] sockaddrIn) throws IOException {
        if (sockaddrIn.length < 8) {
            throw new IOException("sockaddr_in too short: " + sockaddrIn.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(sockaddrIn);
        int family = buffer.order(ByteOrder.nativeOrder()).getShort(0);
        if (family != AF_INET) {
            throw new IOException("original destination is not IPv4 (family " + family + ")");
        }
        int port = buffer.order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff;
        byte[] address = {sockaddrIn[4], sockaddrIn[5], sockaddrIn[6], sockaddrIn[7]};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IOException(e);
        }
    }
}
