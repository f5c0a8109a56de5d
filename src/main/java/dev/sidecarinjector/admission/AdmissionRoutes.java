package dev.sidecarinjector.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.api.text.ShownValue;
import dev.sidecarinjector.http.BoundedBody;
import dev.sidecarinjector.http.JsonPostOnly;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code POST /inject} and its alias {@code POST /mutate} ({@link AdmissionHandler}), and {@code POST /validate}
 * ({@link ValidationHandler}) on the HTTPS port, as Vert.x routes on the event loop:
 * {@link JsonPostOnly} refuses another method (405, {@code Allow: POST}), media type or encoding (415) before the body
 * is read, the body (bounded by {@code quarkus.http.limits.max-body-size}, 413, whether its length is declared or
 * it comes in chunks: {@link BoundedBody}) goes to the path's {@link Reviewer},
 * and its reply is written as JSON; a body that is not an AdmissionReview gets 400, a path nothing serves 404. Every
 * 4xx has a JSON error.
 */
@ApplicationScoped
public class AdmissionRoutes {

    /** The paths that inject; the chart's mutating webhook configuration names one of them. */
    public static final List<String> PATHS = List.of("/inject", "/mutate");
    /** The path that checks the mesh's configuration; the chart's validating webhook configuration names it. */
    public static final String VALIDATE = "/validate";

    /** What answers the reviews POSTed to a path, and counts the requests refused before a review is read. */
    public interface Reviewer {
        /** The reply to the review in {@code body}'s first {@code length} bytes; a body that is not one throws {@link BadReviewException}. */
        ObjectNode handle(byte[] body, int length);

        /** Counts a request refused before its body was read (method, media type, size), started at {@code startNanos}. */
        void refused(String message, long startNanos);

        /** True when a review may take long enough to hold up the event loop: it is answered on a worker thread. */
        default boolean blocking() {
            return false;
        }
    }

    private static final Logger LOG = Logger.getLogger(AdmissionRoutes.class);
    /** An injected pod's reply is mostly its patch's base64: 6 to 7 KB for a pod like the bench's. */
    private static final int REPLY_GUESS = 8192;

    private final AdmissionHandler injection;
    private final ValidationHandler validation;
    private final long maxBodyBytes;

    public AdmissionRoutes(AdmissionHandler injection, ValidationHandler validation,
                           @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.injection = injection;
        this.validation = validation;
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    /**
     * Ahead of Quarkus's own check of a declared length against {@code max-body-size} (which answers 413 with no body),
     * so that {@link BoundedBody} refuses every body too large, declared or sent, with the JSON error the route's
     * other refusals have. Quarkus's filters (the body deadline) still come first.
     */
    void register(@Observes Router router) {
        PATHS.forEach(path -> router.route(path).order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(context -> answer(context, path, injection)));
        router.route(VALIDATE).order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(context -> answer(context, VALIDATE, validation));
        // A path nothing serves (a webhook configuration with a misspelt path, most often): a JSON error naming it and
        // the paths served, as every other refusal here, instead of Vert.x's HTML page.
        router.errorHandler(404, context -> {
            if (!context.response().ended()) {
                error(context.response(), 404, "no such path: " + ShownValue.of(context.request().path(), "\"")
                        + "; admission reviews are POSTed to " + String.join(", ", PATHS) + " or " + VALIDATE);
            }
        });
    }

    /** Answers a request to {@code path}, the route's own path, which its refusals name, with {@code reviewer}. */
    private void answer(RoutingContext context, String path, Reviewer reviewer) {
        var request = context.request();
        var start = System.nanoTime();
        var refusal = JsonPostOnly.refusal(request.method().name(), path, request.getHeader(HttpHeaders.CONTENT_TYPE),
                request.getHeader(HttpHeaders.CONTENT_ENCODING));
        if (refusal.isPresent()) {
            var refused = refusal.get();
            reviewer.refused(refused.message(), start);
            if (refused.status() == 405) {
                context.response().putHeader(HttpHeaders.ALLOW, "POST");
            }
            error(context.response(), refused.status(), refused.message());
            return;
        }
        // Quarkus's router hands the request over paused: BoundedBody reads its body, and lets it flow.
        BoundedBody.read(request, maxBodyBytes, context.vertx(), body -> {
            var response = context.response();
            if (response.ended() || response.closed()) {
                // Answered by the body deadline already, or the client went away.
                return;
            }
            if (!reviewer.blocking()) {
                send(response, reply(reviewer, body));
                return;
            }
            // On a worker: the event loop goes on answering the reviews of other connections meanwhile.
            context.vertx().executeBlocking(() -> reply(reviewer, body), false).onComplete(done -> {
                if (!response.ended() && !response.closed()) {
                    send(response, done.succeeded() ? done.result() : failure(done.cause()));
                }
            });
        }, what -> {
            var message = "request body too large: " + what + "; the limit is " + maxBodyBytes
                    + " bytes (quarkus.http.limits.max-body-size, MAX_BODY_SIZE)";
            reviewer.refused(message, start);
            var response = context.response();
            return response.ended() || response.closed() ? Future.succeededFuture() : error(response, 413, message);
        });
    }

    /** An HTTP status and its JSON body. */
    private record Reply(int status, Buffer body) {
    }

    /** The reviewer's reply to {@code body}, or the 400 of a body that is not a review (a 500 for a fault of this code). */
    private static Reply reply(Reviewer reviewer, BoundedBody.Bytes body) {
        // The reply's JSON goes straight into the buffer the response sends (it grows if need be).
        var reply = Unpooled.buffer(Math.max(REPLY_GUESS, body.length()));
        try {
            AdmissionReviewCodec.encode(reviewer.handle(body.array(), body.length()), new ByteBufOutputStream(reply));
            return new Reply(200, Buffer.buffer(reply));
        } catch (BadReviewException e) {
            reply.release();
            return new Reply(400, errorBody(e.getMessage()));
        } catch (RuntimeException e) {
            reply.release();
            return failure(e);
        }
    }

    private static Reply failure(Throwable e) {
        LOG.error("unexpected error answering an admission review", e);
        return new Reply(500, errorBody("the injector could not answer this review: " + e));
    }

    private static void send(HttpServerResponse response, Reply reply) {
        json(response, reply.status(), reply.body());
    }

    private static Buffer errorBody(String message) {
        return Buffer.buffer(AdmissionReviewCodec.encode(AdmissionReviewCodec.error(message)));
    }

    private static Future<Void> error(HttpServerResponse response, int status, String message) {
        return json(response, status, errorBody(message));
    }

    private static Future<Void> json(HttpServerResponse response, int status, Buffer body) {
        return response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
