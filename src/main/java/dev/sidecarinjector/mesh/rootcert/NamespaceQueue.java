package dev.sidecarinjector.mesh.rootcert;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * client-go's rate-limited work queue, for namespaces: one worker thread, a namespace queued twice is worked
 * once, and a failed one comes back after a delay that doubles from {@code firstRetry} up to {@code maxRetry}.
 * Unlike Istio's, which drops a namespace after five attempts, it never gives up: the next try may find the API
 * or the RBAC fixed. An event for a namespace waiting out its backoff brings it forward.
 */
final class NamespaceQueue implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NamespaceQueue.class);

    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("root-cert-publisher").factory());
    private final Map<String, ScheduledFuture<?>> queued = new ConcurrentHashMap<>();
    /** Failed attempts in a row, per namespace; touched by the worker only. */
    private final Map<String, Integer> failures = new HashMap<>();
    private final Predicate<String> work;
    private final Duration firstRetry;
    private final Duration maxRetry;

    /** {@code work} returns false when the namespace must be retried. */
    NamespaceQueue(Predicate<String> work, Duration firstRetry, Duration maxRetry) {
        this.work = work;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    /** Works the namespace as soon as the worker is free. */
    void add(String namespace) {
        schedule(namespace, 0);
    }

    /** Runs a task on the worker, every {@code period}, between namespaces. */
    void every(Duration period, Runnable task) {
        worker.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // A failed run must not cancel the ones after it.
                LOG.errorf(e, "root certificate publisher: periodic task failed; it runs again in %s", period);
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Failed attempts in a row for the namespace (0 after a success); called on the worker. */
    int failures(String namespace) {
        return failures.getOrDefault(namespace, 0);
    }

    private void schedule(String namespace, long delayMillis) {
        queued.compute(namespace, (key, waiting) -> {
            if (waiting != null && !waiting.isDone() && waiting.getDelay(TimeUnit.MILLISECONDS) <= delayMillis) {
                return waiting;
            }
            if (waiting != null) {
                waiting.cancel(false);
            }
            return worker.schedule(() -> run(key), delayMillis, TimeUnit.MILLISECONDS);
        });
    }

    private void run(String namespace) {
        // Leave the queue before reading anything, so an event from now on queues the namespace again.
        queued.remove(namespace);
        boolean done;
        try {
            done = work.test(namespace);
        } catch (RuntimeException e) {
            LOG.errorf(e, "root certificate publisher: namespace %s failed; retrying", namespace);
            done = false;
        }
        if (done) {
            failures.remove(namespace);
            return;
        }
        var attempts = failures.merge(namespace, 1, Integer::sum);
        var delay = firstRetry.toMillis() << Math.min(attempts - 1, 20);
        schedule(namespace, Math.min(delay, maxRetry.toMillis()));
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
