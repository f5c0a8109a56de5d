package dev.sidecarinjector.http;

import java.util.Locale;
import java.util.Optional;

/**
 * Lets only what kube-apiserver sends reach the admission endpoints, before the body is read: a POST of
 * uncompressed {@code application/json}. Another method gets 405 with {@code Allow: POST} (OPTIONS included),
 * another media type or a compressed body 415, each with a JSON error like every other 4xx. A compressed or
 * differently encoded body must never be parsed as if it were plain JSON.
 */
public final class JsonPostOnly {

    /** An HTTP status and the message of its JSON error. */
    public record Refusal(int status, String message) {
    }

    private JsonPostOnly() {
    }

    /** Why a request to {@code path} is refused before its body is read; empty when its body may be read. */
    public static Optional<Refusal> refusal(String method, String path, String contentType, String contentEncoding) {
        if (!"POST".equals(method)) {
            return Optional.of(new Refusal(405, "method " + method + " is not allowed on " + path + ": send the AdmissionReview with POST"));
        }
        return bodyProblem(contentType, contentEncoding).map(message -> new Refusal(415, message));
    }

    /** Why a body with these headers is not plain JSON (answered 415); empty when it is. */
    public static Optional<String> bodyProblem(String contentType, String contentEncoding) {
        return mediaTypeProblem(contentType).or(() -> encodingProblem(contentEncoding));
    }

    /** Why a Content-Type is not plain JSON: kube-apiserver sends {@code application/json}, perhaps with a UTF-8 charset. */
    public static Optional<String> mediaTypeProblem(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.of("Content-Type: missing, expected application/json");
        }
        var parts = contentType.split(";", -1);
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
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
}
