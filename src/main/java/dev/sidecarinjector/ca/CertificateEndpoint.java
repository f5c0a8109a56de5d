package dev.sidecarinjector.ca;

import dev.sidecarinjector.admission.PrintableText;
import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.http.BoundedBody;
import dev.sidecarinjector.http.JsonPostOnly;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * {@code POST /v1/certificate} on the control plane's port: the HTTP edge of {@link CertificateAuthority}. Before
 * the body is read: 404 when the CA is off, 405 for another method, 415 for a body that is not plain JSON, 413
 * for a declared length over 64 KiB (a body that grows past it while read is cut with 413 too). The answer is made
 * off the event loop (a TokenReview is a call to the API server), logged on one line without the token, and counted.
 */
@ApplicationScoped
public class CertificateEndpoint {

    private static final Logger LOG = Logger.getLogger(CertificateEndpoint.class);

    private final ControlPlaneCa ca;
    private final CaMetrics metrics;
    private final Vertx vertx;

    public CertificateEndpoint(ControlPlaneCa ca, CaMetrics metrics, Vertx vertx) {
        this.ca = ca;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    public void handle(HttpServerRequest request) {
        var authority = ca.authority().orElse(null);
        if (authority == null) {
            request.response().setStatusCode(404).putHeader("content-type", "application/json")
                    .end(refusal(404, "ca_disabled", "the mesh CA is off (injector.ca.enabled=false)").json());
            return;
        }
        if (request.method() != HttpMethod.POST) {
            request.response().putHeader("allow", "POST");
            answer(request, refusal(405, "method_not_allowed", "method " + request.method() + " is not allowed on "
                    + CertificateRequest.PATH + ": send the request with POST"));
            return;
        }
        var mediaType = JsonPostOnly.bodyProblem(request.getHeader("content-type"), request.getHeader("content-encoding"));
        if (mediaType.isPresent()) {
            answer(request, refusal(415, "unsupported_media_type", mediaType.get()));
            return;
        }
        BoundedBody.read(request, CertificateRequest.MAX_BODY_BYTES, vertx, body -> {
            var authorization = request.getHeader("authorization");
            var bytes = body.exact();
            vertx.executeBlocking(() -> authority.answer(authorization, bytes), false).onComplete(result -> {
                var answer = result.succeeded() ? result.result()
                        : refusal(500, "internal_error", "the certificate could not be made: " + result.cause().getMessage());
                if (result.failed()) {
                    LOG.error("CA: request failed", result.cause());
                }
                answer(request, answer);
            });
        }, what -> answer(request, refusal(413, "body_too_large", "the request body is limited to " + CertificateRequest.MAX_BODY_BYTES
                + " bytes (" + what + ")")));
    }

    private static CertificateAuthority.Refused refusal(int status, String reason, String message) {
        return new CertificateAuthority.Refused(status, reason, message, "");
    }

    private Future<Void> answer(HttpServerRequest request, CertificateAuthority.Answer answer) {
        var from = request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress();
        switch (answer) {
            case CertificateAuthority.Issued issued -> {
                metrics.issued();
                var leaf = issued.chain().getFirst();
                LOG.infof("CA: issued %s serial=%s notAfter=%s from=%s", issued.identity().uri(), leaf.getSerialNumber().toString(16),
                        leaf.getNotAfter().toInstant(), from);
            }
            case CertificateAuthority.Refused refused -> {
                metrics.refused(refused.reason());
                LOG.warnf("CA: refused status=%d reason=%s caller=%s from=%s message=%s", refused.status(), refused.reason(),
                        refused.caller().isEmpty() ? "-" : refused.caller(), from, PrintableText.quote(refused.message()));
            }
        }
        if (request.response().ended() || request.response().closed()) {
            return Future.succeededFuture();
        }
        return request.response().setStatusCode(answer.status()).putHeader("content-type", "application/json").end(answer.json() + "\n");
    }
}
