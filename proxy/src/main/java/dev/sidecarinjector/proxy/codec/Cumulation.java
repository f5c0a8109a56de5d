package dev.sidecarinjector.proxy.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** The bytes a connection has read and not yet taken (part of a head or chunk line, or a pipelined request), plus a read. */
public final class Cumulation {

    private Cumulation() {
    }

    /**
     * {@code read} after {@code held} (null when nothing is held), as one buffer; both are released into it. Bodies pass
     * as slices of the reads, so a held remainder is copied rather than written to.
     */
    public static ByteBuf append(ByteBuf held, ByteBuf read, ByteBufAllocator alloc) {
        if (held == null) {
            return read;
        }
        try {
            return alloc.buffer(held.readableBytes() + read.readableBytes()).writeBytes(held).writeBytes(read);
        } finally {
            held.release();
            read.release();
        }
    }
}
