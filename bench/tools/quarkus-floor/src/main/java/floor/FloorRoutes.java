package floor;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code POST /inject} registered as the webhook's AdmissionRoutes registers it (an observed Router, the body read
 * from the paused request), answered with the file {@code FLOOR_REPLY_FILE} (the webhook's reply to the benchmark's
 * review) without looking at the request: what Quarkus, Vert.x and the TLS
 * ({@link FloorTls}) cost before any work of the webhook.
 */
@ApplicationScoped
public class FloorRoutes {

    private static final Buffer REPLY = reply();

    private static Buffer reply() {
        var file = System.getenv("FLOOR_REPLY_FILE");
        if (file == null) {
            return Buffer.buffer("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"\",\"allowed\":true}}");
        }
        try {
            return Buffer.buffer(Files.readAllBytes(Path.of(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void register(@Observes Router router) {
        router.route("/inject").handler(context -> {
            var request = context.request();
            request.body().onComplete(body -> context.response().setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(REPLY));
            request.resume();
        });
    }
}
