package dev.sidecarinjector.proxy.run;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that moved no bytes either way for the idle timeout. The relay stamps the
 * connection once per batch of reads; one timer per connection wakes up at the earliest moment the
 * connection could be idle and re-arms itself for the rest. Netty's IdleStateHandler does the same job
 * but turns every write into a promise with a listener to watch the write side, which the relay does
 * not need: every byte it writes was read just before.
 */
final class IdleTimeout implements Runnable, ChannelFutureListener {
    private final Connection connection;
    private final long timeoutNanos;
    private ScheduledFuture<?> pending;

    private IdleTimeout(Connection connection, long timeoutNanos) {
        this.connection = connection;
        this.timeoutNanos = timeoutNanos;
    }

    /** Starts watching; the timer is cancelled when the downstream channel closes. */
    static void watch(Connection connection, Duration timeout) {
        var idle = new IdleTimeout(connection, timeout.toNanos());
        connection.touch();
        idle.arm(idle.timeoutNanos);
        connection.downstream().closeFuture().addListener(idle);
    }

    /** The connection closed: no more timer. */
    @Override
    public void operationComplete(ChannelFuture closed) {
        pending.cancel(false);
    }

    @Override
    public void run() {
        long idleFor = System.nanoTime() - connection.lastActivity();
        if (idleFor >= timeoutNanos) {
            connection.close();
        } else {
            arm(timeoutNanos - idleFor);
        }
    }

    private void arm(long delayNanos) {
        pending = connection.downstream().eventLoop().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
