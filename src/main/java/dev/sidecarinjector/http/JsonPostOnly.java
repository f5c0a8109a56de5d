package dev.sidecarinjector.http;

import dev.sidecarinjector.admission.AdmissionReviewCodec;
import dev.sidecarinjector.admission.InjectionMetrics;
import dev.sidecarinjector.admission.Outcome;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Lets only what kube-apiserver sends reach the admission endpoints, before the body is read: a POST of
 * uncompressed {@code application/json}. Another method gets 405 with {@code Allow: POST} (OPTIONS included),
 * another media type or a compressed body 415, each with a JSON error like every other 4xx. A compressed or
 * differently encoded body must never be parsed as if it were plain JSON.
 */
public class JsonPostOnly {

    private static final Set<String> ENDPOINTS = Set.of("inject", "mutate");

    private final InjectionMetrics metrics;

    public JsonPostOnly(InjectionMetrics metrics) {
        this.metrics = metrics;
    }

    // Before matching: otherwise the framework answers OPTIONS 200 and other methods 405 with no body and no Allow.
    @ServerRequestFilter(preMatching = true)
    public Optional<Response> check(ContainerRequestContext request) {
        var path = request.getUriInfo().getPath().replaceAll("^/+|/+$", "");
        if (!ENDPOINTS.contains(path)) {
            return Optional.empty();
        }
        var start = System.nanoTime();
        if (!"POST".equals(request.getMethod())) {
            return Optional.of(refuse(start, Response.status(Response.Status.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "POST"),
                    "method " + request.getMethod() + " is not allowed on /" + path + ": send the AdmissionReview with POST"));
        }
        var problem = mediaTypeProblem(request.getHeaderString(HttpHeaders.CONTENT_TYPE))
                .or(() -> encodingProblem(request.getHeaderString(HttpHeaders.CONTENT_ENCODING)));
        return problem.map(message -> refuse(start, Response.status(Response.Status.UNSUPPORTED_MEDIA_TYPE), message));
    }

    /** Why a Content-Type is not plain JSON: kube-apiserver sends {@code application/json}, perhaps with a UTF-8 charset. */
    public static Optional<String> mediaTypeProblem(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.of("Content-Type: missing, expected application/json");
        }
        var parts = contentType.split(";", -1);
        if (!parts[0].strip().equalsIgnoreCase(MediaType.APPLICATION_JSON)) {
            return Optional.of("Content-Type: \"" + contentType + "\" is not application/json");
        }
        for (var i = 1; i < parts.length; i++) {
            var parameter = parts[i].split("=", 2);
            if (parameter[0].strip().equalsIgnoreCase("charset")) {
                var charset = parameter.length < 2 ? "" : parameter[1].strip().replaceAll("^\"|\"$", "");
                if (!charset.equalsIgnoreCase("utf-8")) {
                    return Optional.of("Content-Type: \"" + contentType + "\": JSON is read as UTF-8, not " + (charset.isEmpty() ? "an empty charset" : charset));
                }
            }
        }
        return Optional.empty();
    }

    /** Why a Content-Encoding cannot be read: only an uncompressed body ({@code identity}) is parsed. */
    public static Optional<String> encodingProblem(String contentEncoding) {
        if (contentEncoding == null) {
            return Optional.empty();
        }
        for (var coding : contentEncoding.split(",", -1)) {
            var name = coding.strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !name.equals("identity")) {
                return Optional.of("Content-Encoding: \"" + contentEncoding + "\" is not supported: send the AdmissionReview uncompressed (identity)");
            }
        }
        return Optional.empty();
    }

    private Response refuse(long start, Response.ResponseBuilder response, String message) {
        metrics.record(new Outcome(Outcome.Kind.FAILED, "bad_request", message), start);
        return response.type(MediaType.APPLICATION_JSON_TYPE).entity(AdmissionReviewCodec.error(message)).build();
    }
}
