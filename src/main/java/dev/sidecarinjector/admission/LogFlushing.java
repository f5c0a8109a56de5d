package dev.sidecarinjector.admission;

import dev.sidecarinjector.inject.InvalidValueException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.OutputStreamHandler;

/**
 * Writes the log in batches: the console (and any file) handler keeps its lines in its writer's buffer and writes
 * them every {@code injector.log.flush-interval}, when the buffer is full, and at once after a line at WARN or above
 * (a failure, a warning about a pod), as Envoy flushes its access log every second. Each admission writes one
 * decision line; written one by one, the write system call was about 3.5 % of a review's CPU. {@code 0s} writes every
 * line as it is logged. The last lines are written when the application stops; a process killed outright loses at
 * most one interval of INFO lines.
 */
@ApplicationScoped
public class LogFlushing {

    private final Duration interval;
    private final List<OutputStreamHandler> held = new ArrayList<>();
    private final Handler flushOnWarning = new FlushOnWarning();
    private ScheduledExecutorService timer;

    public LogFlushing(LogConfig config) {
        this.interval = config.flushInterval();
        if (interval.isNegative()) {
            throw new InvalidValueException("injector.log.flush-interval", interval.toString().substring(2).toLowerCase(), "must be 0s or more");
        }
    }

    /** After every other start-up observer (the last of them logs where the servers listen): those lines are written as they come. */
    void start(@Observes @Priority(Integer.MAX_VALUE) StartupEvent startup) {
        if (interval.isZero()) {
            return;
        }
        var root = LogContext.getLogContext().getLogger("");
        hold(root.getHandlers());
        root.addHandler(flushOnWarning);
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("log-flush").factory());
        timer.scheduleWithFixedDelay(this::flush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer != null) {
            timer.shutdownNow();
            LogContext.getLogContext().getLogger("").removeHandler(flushOnWarning);
        }
        release();
    }

    /** Turns off the writing of every line on these handlers and those they delegate to; they are flushed by {@link #flush}. */
    void hold(Handler... handlers) {
        for (var handler : handlers) {
            if (handler instanceof OutputStreamHandler stream && stream.isAutoFlush()) {
                stream.setAutoFlush(false);
                synchronized (held) {
                    held.add(stream);
                }
            }
            if (handler instanceof ExtHandler ext) {
                hold(ext.getHandlers());
            }
        }
    }

    /** Writes what the held handlers have buffered. */
    void flush() {
        synchronized (held) {
            held.forEach(Handler::flush);
        }
    }

    /** Writes what is buffered and gives the handlers back their line-by-line writing. */
    void release() {
        synchronized (held) {
            for (var handler : held) {
                handler.flush();
                handler.setAutoFlush(true);
            }
            held.clear();
        }
    }

    /** The handler for a line at WARN or above, after the console's: writes it and what waited before it. */
    Handler flushOnWarning() {
        return flushOnWarning;
    }

    /** How many handlers are held. */
    int held() {
        synchronized (held) {
            return held.size();
        }
    }

    private final class FlushOnWarning extends Handler {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                flush();
            }
        }

        @Override
        public void flush() {
            LogFlushing.this.flush();
        }

        @Override
        public void close() {
        }
    }
}
