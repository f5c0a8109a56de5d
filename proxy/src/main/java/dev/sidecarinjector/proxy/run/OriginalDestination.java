package dev.sidecarinjector.proxy.run;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The destination a client dialled before iptables REDIRECT sent it to the proxy:
 * {@code getsockopt(fd, SOL_IP, SO_ORIGINAL_DST)} called through the FFM API, as neither the JDK nor
 * Netty expose it. The call is one non-blocking syscall, safe on an event loop.
 */
public final class OriginalDestination {
    private static final int SOL_IP = 0;
    private static final int SO_ORIGINAL_DST = 80;
    private static final int AF_INET = 2;
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int ENOENT = 2;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle GETSOCKOPT;

    static {
        Linker linker = Linker.nativeLinker();
        GETSOCKOPT = linker.downcallHandle(
                linker.defaultLookup().find("getsockopt").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),
                Linker.Option.captureCallState("errno"));
    }

    private OriginalDestination() {
    }

    /**
     * The native memory one call needs, allocated once per thread (event loops live as long as the
     * proxy): a confined arena per call cost more than the system call itself.
     */
    private record Scratch(MemorySegment state, MemorySegment sockaddr, MemorySegment length) {
        static Scratch allocate() {
            Arena arena = Arena.ofAuto();
            return new Scratch(arena.allocate(CALL_STATE), arena.allocate(SOCKADDR_IN_SIZE), arena.allocate(JAVA_INT));
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::allocate);

    /** @throws IOException when the socket was not redirected (no NAT entry) or the call failed */
    public static InetSocketAddress of(int fd) throws IOException {
        Scratch scratch = SCRATCH.get();
        scratch.length().set(JAVA_INT, 0, SOCKADDR_IN_SIZE);
        int rc;
        try {
            rc = (int) GETSOCKOPT.invokeExact(scratch.state(), fd, SOL_IP, SO_ORIGINAL_DST, scratch.sockaddr(), scratch.length());
        } catch (Throwable t) {
            throw new IOException("getsockopt(SO_ORIGINAL_DST) could not be called", t);
        }
        if (rc != 0) {
            int errno = (int) ERRNO.get(scratch.state(), 0L);
            throw new IOException(errno == ENOENT
                    ? "no original destination (connection was not redirected)"
                    : "getsockopt(SO_ORIGINAL_DST) failed with errno " + errno);
        }
        return parse(scratch.sockaddr().toArray(JAVA_BYTE));
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
