package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.metrics.Direction;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CaptureListenerTest {

    @Test
    void aFailedAcceptPausesAcceptingForOneSecondThenResumes() {
        var listener = new EmbeddedChannel(new CaptureListener.Acceptor(null, Direction.INBOUND, null));
        // The embedded loop's clock is the machine's plus what the test advances: frozen, a slow machine's real time
        // between scheduling and checking cannot add to the 999 ms.
        listener.freezeTime();
        assertTrue(listener.config().isAutoRead());

        listener.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
        assertFalse(listener.config().isAutoRead(), "accepting goes on after a failed accept: it would spin on the error");

        listener.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertFalse(listener.config().isAutoRead(), "resumed before the second was over");

        listener.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertTrue(listener.config().isAutoRead(), "accepting did not resume after a second");
        listener.finishAndReleaseAll();
    }
}
