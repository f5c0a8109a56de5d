package dev.sidecarinjector.mesh.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Waiting for a line in a process's log, and the end of a log for a failure message. */
final class LogText {

    private LogText() {
    }

    /** Polls {@code log} until it contains {@code wanted}; fails with its last lines after {@code seconds}. */
    static void await(Callable<String> log, String wanted, int seconds) throws Exception {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!log.call().contains(wanted)) {
            if (System.nanoTime() > deadline) {
                fail("no \"" + wanted + "\" within " + seconds + " s:\n" + tail(log.call(), 30));
            }
            Thread.sleep(50);
        }
    }

    static String tail(String text, int lines) {
        var all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
