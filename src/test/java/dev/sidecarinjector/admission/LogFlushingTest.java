package dev.sidecarinjector.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.InvalidValueException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.OutputStreamHandler;
import org.junit.jupiter.api.Test;

/** Lines wait in the handler's buffer until a flush, a line at WARN or above, or the release at stop. */
class LogFlushingTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final OutputStreamHandler console = new OutputStreamHandler(out, new PatternFormatter("%p %s%n"));
    private final LogFlushing flushing = new LogFlushing(() -> Duration.ofSeconds(1));
    private final org.jboss.logmanager.Logger logger = LogContext.create().getLogger("decision");

    LogFlushingTest() {
        logger.addHandler(console);
        logger.addHandler(flushing.flushOnWarning());
    }

    private String written() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesWaitForTheFlush() {
        flushing.hold(console);
        assertEquals(1, flushing.held());
        logger.info("decision pod=a");
        logger.info("decision pod=b");
        assertEquals("", written());
        flushing.flush();
        assertEquals("INFO decision pod=a\nINFO decision pod=b\n", written());
    }

    @Test
    void aWarningIsWrittenAtOnceWithWhatWaitedBeforeIt() {
        flushing.hold(console);
        logger.info("decision pod=a");
        logger.log(org.jboss.logmanager.Level.WARN, "decision pod=b outcome=failed");
        assertEquals("INFO decision pod=a\nWARN decision pod=b outcome=failed\n", written());
    }

    @Test
    void theReleaseWritesWhatWaitedAndEveryLineAfterIt() {
        flushing.hold(console);
        logger.info("decision pod=a");
        flushing.release();
        assertEquals("INFO decision pod=a\n", written());
        assertEquals(0, flushing.held());
        logger.info("decision pod=b");
        assertEquals("INFO decision pod=a\nINFO decision pod=b\n", written());
    }

    @Test
    void aHandlerAlreadyBufferingIsLeftAlone() {
        console.setAutoFlush(false);
        flushing.hold(console);
        assertEquals(0, flushing.held());
        flushing.release();
        assertFalse(console.isAutoFlush(), "a handler it did not change keeps its setting");
    }

    @Test
    void aNegativeIntervalIsRefusedByName() {
        var refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidValueException.class,
                () -> new LogFlushing(() -> Duration.ofSeconds(-1)));
        assertTrue(refused.getMessage().contains("injector.log.flush-interval"), refused.getMessage());
        assertTrue(refused.getMessage().contains("-1s"), refused.getMessage());
    }
}
