package dev.sidecarinjector.http;

import dev.sidecarinjector.admission.AdmissionReviewCodec;
import dev.sidecarinjector.admission.PrintableText;
import dev.sidecarinjector.inject.InvalidValueException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.impl.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Answers 408 and closes the connection when a request's body is not complete {@code injector.http.body-timeout}
 * after its headers: a client dripping the body byte by byte would otherwise hold a connection, a request thread
 * and up to max-body-size of buffer for as long as it likes.
 */
@ApplicationScoped
public class BodyDeadline {

    private static final Logger LOG = Logger.getLogger(BodyDeadline.class);
    /** Ahead of every other filter, so the deadline starts when the headers arrive. */
    private static final int PRIORITY = 10_000;

    private final long timeoutMillis;
    private final String message;

    public BodyDeadline(HttpConfig config) {
        var timeout = config.bodyTimeout();
        // Duration prints as PT10S; people write 10s.
        var written = timeout.toString().substring(2).toLowerCase();
        if (timeout.isNegative() || timeout.toMillis() == 0) {
            throw new InvalidValueException("injector.http.body-timeout", written, "must be at least 1ms");
        }
        this.timeoutMillis = timeout.toMillis();
        this.message = AdmissionReviewCodec.error("request body not complete " + written
                + " after the headers (injector.http.body-timeout)").toString();
    }

    void register(@Observes Filters filters) {
        filters.register(this::arm, PRIORITY);
    }

    private void arm(RoutingContext context) {
        var request = context.request();
        if (!request.isEnded()) {
            // Set on the request's event loop, so the timer runs there too and sees the request's state safely; with
            // Netty's scheduler itself: a Vert.x timer adds a map entry, a close hook and a handler to Netty's task, and
            // one is set and cancelled for nearly every request (they were a tenth of a review's allocation).
            var vertxContext = (ContextInternal) ((HttpServerRequestInternal) request).context();
            var timer = vertxContext.nettyEventLoop().schedule(() -> vertxContext.runOnContext(fired -> expire(context)),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            // The deadline bounds the body only: once the last byte is in, the handler may take as long as it
            // takes. Waiting for the response instead answered 408 to complete bodies whose handler was slow,
            // and the handler then failed writing its own answer. isEnded() cannot tell: Vert.x reports false for a
            // fully read request while it is paused, as it is while a worker answers it (SlowHandlerIT).
            request.end().onComplete(received -> timer.cancel(false));
            context.addEndHandler(ended -> timer.cancel(false));
        }
        context.next();
    }

    private void expire(RoutingContext context) {
        var request = context.request();
        var response = context.response();
        if (request.isEnded() || response.ended() || response.closed()) {
            return;
        }
        LOG.debugf("closing %s: %s %s body not complete after %d ms", request.remoteAddress(), request.method(),
                PrintableText.escape(request.path()), timeoutMillis);
        var connection = request.connection();
        if (response.headWritten()) {
            connection.close();
            return;
        }
        response.setStatusCode(408)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(message)
                .onComplete(written -> connection.close());
    }
}
