package dev.sidecarinjector.proxy.run;

import io.netty.channel.Channel;
import io.netty.channel.unix.RawUnixChannelOption;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernel's accept queue of a listening epoll socket, so the drain can empty it before closing: closing a
 * listener resets every connection whose handshake the kernel completed and the proxy had not accepted yet.
 * {@link #closeToNewConnections} attaches a classic BPF program that drops every packet ({@code SO_ATTACH_FILTER},
 * one {@code ret #0}), so no new handshake completes (the client's SYN goes unanswered, and its retry meets the
 * closed port: "connection refused", never a reset after it sent a request); {@link #length} reads the queue
 * ({@code TCP_INFO}'s {@code tcpi_unacked}, which the kernel fills with the accept backlog for a listener).
 * Both are one {@code setsockopt}/{@code getsockopt} through Netty's raw option, as {@link OriginalDestination}.
 */
final class AcceptQueue {
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_FILTER = 26;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    /** {@code struct tcp_info}: eight one-byte fields, then {@code rto, ato, snd_mss, rcv_mss, unacked}. */
    private static final int TCPI_UNACKED_OFFSET = 24;
    /** {@code struct sock_fprog}: {@code unsigned short len}, padding, {@code struct sock_filter *filter}. */
    private static final int SOCK_FPROG_SIZE = 16;
    private static final int BPF_RET_K = 0x06;
    private static final RawUnixChannelOption ATTACH_FILTER =
            new RawUnixChannelOption("SO_ATTACH_FILTER", SOL_SOCKET, SO_ATTACH_FILTER, SOCK_FPROG_SIZE);
    private static final RawUnixChannelOption INFO =
            new RawUnixChannelOption("TCP_INFO", IPPROTO_TCP, TCP_INFO, TCPI_UNACKED_OFFSET + 4);

    private AcceptQueue() {
    }

    /** After this the listener completes no new handshake; what is queued stays and can still be accepted. */
    static void closeToNewConnections(Channel listener) {
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }: ret #0, "keep 0 bytes", drops the packet.
        ByteBuffer program = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        program.putShort(0, (short) BPF_RET_K).putInt(4, 0);
        ByteBuffer fprog = ByteBuffer.allocateDirect(SOCK_FPROG_SIZE).order(ByteOrder.nativeOrder());
        fprog.putShort(0, (short) 1).putLong(8, MemorySegment.ofBuffer(program).address());
        // The kernel copies the program during the call; both buffers are reachable until it returns.
        listener.config().setOption(ATTACH_FILTER, fprog);
        java.lang.ref.Reference.reachabilityFence(program);
    }

    /** Connections whose handshake is complete and that wait for accept(). */
    static int length(Channel listener) {
        ByteBuffer info = listener.config().getOption(INFO);
        return info.order(ByteOrder.nativeOrder()).getInt(info.position() + TCPI_UNACKED_OFFSET);
    }
}
