package dev.sidecarinjector.proxy.run;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/** Outbound handlers that let a test see reads requested and hold writes until it releases them. */
final class ChannelProbes {
    private ChannelProbes() {
    }

    /** Counts read() requests: with AUTO_READ off these are the relay's only way to pull data. */
    static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int reads;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }
    }

    /** A socket whose send buffer is full: writes stay pending until {@link #completeAll()}. */
    static final class HeldWrites extends ChannelOutboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();
        private final List<ChannelPromise> promises = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            messages.add(msg);
            promises.add(promise);
        }

        int pending() {
            return promises.size();
        }

        void completeAll() {
            var done = List.copyOf(promises);
            promises.clear();
            done.forEach(ChannelPromise::setSuccess);
        }

        void failAll(Throwable cause) {
            var done = List.copyOf(promises);
            promises.clear();
            for (ChannelPromise promise : done) {
                promise.setFailure(cause);
            }
        }

        void releaseMessages() {
            messages.forEach(ReferenceCountUtil::release);
        }
    }
}
