package dev.sidecarinjector.hardening;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Test-only endpoint, shaped like the admission resource (a whole body as bytes, answered on a worker), whose
 * handler waits until the test lets it go: a complete request held in its handler as long as the test likes.
 */
@Path("/test/held")
public class HeldHandler {

    /** Handlers that have started; a test waits on this to know its body was complete and handed over. */
    static final Semaphore ENTERED = new Semaphore(0);
    /** One permit lets one waiting handler answer. */
    static final Semaphore RELEASE = new Semaphore(0);

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.TEXT_PLAIN)
    public String hold(byte[] body) throws InterruptedException {
        ENTERED.release();
        return RELEASE.tryAcquire(60, TimeUnit.SECONDS) ? "held " + body.length + " bytes" : "never released";
    }
}
