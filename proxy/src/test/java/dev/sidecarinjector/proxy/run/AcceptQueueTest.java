package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real epoll listener on loopback that never accepts: the queue is read, and the filter stops new handshakes. */
class AcceptQueueTest {
    private EventLoopGroup loop;
    private Channel listener;

    @BeforeEach
    void bind() throws Exception {
        loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        listener = ServerChannelFamily.IPV4.newChannel();
        listener.config().setAutoRead(false); // nothing is ever accepted
        listener.config().setOption(ChannelOption.SO_BACKLOG, 16);
        loop.register(listener).sync();
        listener.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
    }

    @AfterEach
    void close() {
        listener.close().awaitUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Test
    void theQueueIsReadAndTheFilterStopsNewHandshakesButKeepsWhatIsQueued() throws Exception {
        assertEquals(0, AcceptQueue.length(listener));
        try (Socket queued = new Socket(InetAddress.getLoopbackAddress(), port())) {
            waitForQueue(1);

            AcceptQueue.closeToNewConnections(listener);
            try (Socket late = new Socket()) {
                assertThrows(SocketTimeoutException.class, () -> late.connect(new InetSocketAddress("127.0.0.1", port()), 1000),
                        "a new handshake completes after the filter");
            }
            assertEquals(1, AcceptQueue.length(listener), "the queued connection stays");
            assertTrue(queued.isConnected());
        }
    }

    private int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    private void waitForQueue(int expected) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (AcceptQueue.length(listener) != expected) {
            if (System.nanoTime() > deadline) {
                throw new IOException("accept queue " + AcceptQueue.length(listener) + ", expected " + expected);
            }
            Thread.sleep(10);
        }
    }
}
