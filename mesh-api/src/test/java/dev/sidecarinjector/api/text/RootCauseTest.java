package dev.sidecarinjector.api.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class RootCauseTest {

    @Test
    void theInnermostCauseSpeaks() {
        var bind = new BindException("Address already in use");
        var failure = new IllegalStateException("start failed", new UncheckedIOException("listen", new IOException("wrapped", bind)));
        assertSame(bind, RootCause.of(failure));
        assertEquals("Address already in use", RootCause.message(failure));
        assertEquals("BindException: Address already in use", RootCause.described(failure));
    }

    @Test
    void aFailureWithoutCauseIsItsOwnRoot() {
        var alone = new IllegalArgumentException("bad");
        assertSame(alone, RootCause.of(alone));
        assertEquals("bad", RootCause.message(alone));
    }

    @Test
    void withoutAMessageTheClassNames() {
        var failure = new RuntimeException("outer", new UnsatisfiedLinkError());
        assertEquals("UnsatisfiedLinkError", RootCause.message(failure));
        assertEquals("UnsatisfiedLinkError", RootCause.described(failure));
    }

    @Test
    void aChainThatLoopsEndsBeforeItRepeats() {
        var first = new LoopingException("first");
        var second = new LoopingException("second");
        first.cause = second;
        second.cause = first;
        assertSame(second, RootCause.of(first));
        assertFalse(RootCause.anyIs(first, SSLHandshakeException.class));
        var self = new LoopingException("self");
        self.cause = self;
        assertSame(self, RootCause.of(self));
    }

    @Test
    void anyIsLooksAtEveryLink() {
        var failure = new IOException("connect", new SSLHandshakeException("PKIX path building failed"));
        assertTrue(RootCause.anyIs(failure, javax.net.ssl.SSLException.class));
        assertTrue(RootCause.anyIs(failure, IOException.class));
        assertFalse(RootCause.anyIs(failure, BindException.class));
        assertTrue(RootCause.any(failure, cause -> "PKIX path building failed".equals(cause.getMessage())));
        assertFalse(RootCause.any(failure, cause -> cause.getMessage() == null));
    }

    /** A throwable whose cause can be set to anything, itself and a loop included (Throwable's own refuses those). */
    private static final class LoopingException extends Exception {
        private Throwable cause;

        LoopingException(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable getCause() {
            return cause;
        }
    }
}
