package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.metrics.DirectionMetrics;
import dev.sidecarinjector.proxy.run.ChannelProbes.HeldWrites;
import dev.sidecarinjector.proxy.run.ChannelProbes.ReadCounter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RelayTest {
    private final DirectionMetrics metrics = new DirectionMetrics();
    private final ReadCounter downstreamReads = new ReadCounter();
    private final HeldWrites upstreamWrites = new HeldWrites();
    private DuplexEmbeddedChannel downstream;
    private DuplexEmbeddedChannel upstream;

    @BeforeEach
    void pipeDownstreamToUpstream() {
        downstream = new DuplexEmbeddedChannel();
        upstream = new DuplexEmbeddedChannel();
        // The FIN grace is a scheduled task: with the clocks frozen it runs only when a test advances them, never
        // because a slow run let a millisecond pass between two lines.
        downstream.freezeTime();
        upstream.freezeTime();
        var connection = new Connection(downstream, metrics);
        connection.attach(upstream);
        downstream.pipeline().addLast(downstreamReads, new Relay(connection));
        upstream.pipeline().addLast(upstreamWrites, new Relay(connection));
    }

    @AfterEach
    void release() {
        upstreamWrites.releaseMessages();
        downstream.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }

    @Test
    void relaysWhatItReadsAndCountsIt() {
        downstream.writeInbound(bytes("hello"));

        assertEquals(1, upstreamWrites.pending(), "the chunk is written upstream");
        assertEquals("hello", ((ByteBuf) upstreamWrites.messages.getFirst()).toString(StandardCharsets.US_ASCII));
        assertEquals(5, metrics.receivedBytes(), "bytes from downstream are counted");
        assertFalse(downstream.config().isAutoRead(), "AUTO_READ stays off: every read is asked for");
    }

    /** Backpressure: a peer that cannot take a chunk (its socket is full) stops reading on this side. */
    @Test
    void readsTheNextChunkOnlyOnceThePreviousOneIsWritten() {
        int before = downstreamReads.reads;
        downstream.writeInbound(bytes("hello"));
        assertEquals(before, downstreamReads.reads, "no read is asked for while the write is pending");
        downstream.runPendingTasks();
        assertEquals(before, downstreamReads.reads, "nor later, until the write completes");

        upstreamWrites.completeAll();
        assertEquals(before + 1, downstreamReads.reads, "the next chunk is asked for once it is written");
    }

    /** The common case: the peer's socket takes the chunk in the flush, and the next read is asked for at once. */
    @Test
    void aChunkWrittenInTheFlushAsksForTheNextReadInTheSameReadLoop() {
        var client = new DuplexEmbeddedChannel();
        var server = new DuplexEmbeddedChannel();
        var connection = new Connection(client, metrics);
        connection.attach(server);
        var clientReads = new ReadCounter();
        client.pipeline().addLast(clientReads, new Relay(connection));
        server.pipeline().addLast(new Relay(connection));

        client.writeInbound(bytes("ping"));
        assertEquals(1, clientReads.reads, "asked for within channelReadComplete, before the read loop ends");
        ByteBuf written = server.readOutbound();
        assertEquals("ping", written.toString(StandardCharsets.US_ASCII));
        written.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    @Test
    void aFailedWriteResetsTheOtherSide() {
        downstream.writeInbound(bytes("hello"));
        upstreamWrites.failAll(new java.io.IOException("Broken pipe"));
        assertFalse(upstream.isOpen(), "the side that failed is closed");
        assertFalse(downstream.isOpen(), "and the other side is reset");
    }

    @Test
    void finFromDownstreamIsPassedOnAfterPendingDataAndKeepsTheOtherDirectionOpen() {
        downstream.writeInbound(bytes("last words"));
        downstream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertFalse(upstream.isOutputShutdown(), "FIN must not overtake data still queued");
        upstreamWrites.completeAll();
        assertTrue(upstream.isOutputShutdown(), "upstream gets the FIN once the data is written");
        assertTrue(downstream.isOpen() && upstream.isOpen(), "the reply direction stays open (half-close)");

        upstream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        upstreamWrites.completeAll();
        assertFalse(downstream.isOpen(), "both directions finished: downstream closed");
        assertFalse(upstream.isOpen(), "both directions finished: upstream closed");
    }

    @Test
    void aSideThatAlreadySentFinIsNotSwitchedBackToReading() {
        downstream.writeInbound(bytes("tail"));
        downstream.shutdownInput();
        downstream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        int reads = downstreamReads.reads;

        upstreamWrites.completeAll();
        assertEquals(reads, downstreamReads.reads, "epoll fails a read on a shut-down input");
        assertTrue(upstream.isOutputShutdown());
    }

    /** The server's FIN reaches the client a moment later, so a client that closes at once closes first. */
    @Test
    void finFromUpstreamIsPassedOnAfterAGraceForTheClientToCloseFirst() {
        upstream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        downstream.runPendingTasks();
        assertFalse(downstream.isOutputShutdown(), "the client gets a moment to close first");

        downstream.advanceTimeBy(Connection.FIN_GRACE_MICROS, java.util.concurrent.TimeUnit.MICROSECONDS);
        downstream.runScheduledPendingTasks();
        assertTrue(downstream.isOutputShutdown(), "then the FIN is passed on");
        assertTrue(downstream.isOpen(), "the client may still send (half-close)");
    }

    @Test
    void aClientThatClosesWithinTheGraceClosesBothWithoutAFinFromTheProxyFirst() {
        upstream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        downstream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        upstreamWrites.completeAll(); // closing flushes first
        assertFalse(downstream.isOutputShutdown(), "no half-close first: the connection is simply closed");
        assertFalse(downstream.isOpen());
        assertFalse(upstream.isOpen());
    }

    @Test
    void peerClosingClosesThisSide() {
        upstream.close();
        assertFalse(downstream.isOpen());
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
