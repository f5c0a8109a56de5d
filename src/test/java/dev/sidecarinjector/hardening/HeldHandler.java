package dev.sidecarinjector.hardening;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Test-only route, shaped like the admission route (a whole body read, then answered), whose answer is made on a
 * worker that waits until the test lets it go: a complete request held in its handler as long as the test likes.
 */
@ApplicationScoped
public class HeldHandler {

    /** Handlers that have started; a test waits on this to know its body was complete and handed over. */
    static final Semaphore ENTERED = new Semaphore(0);
    /** One permit lets one waiting handler answer. */
    static final Semaphore RELEASE = new Semaphore(0);

    void register(@Observes Router router) {
        router.post("/test/held").handler(context -> {
            context.request().body().onSuccess(body -> context.vertx().executeBlocking(() -> {
                ENTERED.release();
                return RELEASE.tryAcquire(60, TimeUnit.SECONDS) ? "held " + body.length() + " bytes" : "never released";
            }, false).onComplete(answer -> context.response().putHeader("content-type", "text/plain").end(answer.result())));
            context.request().resume();
        });
    }
}
