package dev.sidecarinjector.proxy.route;

import static dev.sidecarinjector.proxy.mesh.MeshFixtures.cluster;
import static dev.sidecarinjector.proxy.mesh.MeshFixtures.uri;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.api.snapshot.HeaderEdit;
import dev.sidecarinjector.api.snapshot.Headers;
import dev.sidecarinjector.api.snapshot.Redirect;
import dev.sidecarinjector.api.snapshot.RetryPolicy;
import dev.sidecarinjector.api.snapshot.Route;
import dev.sidecarinjector.api.snapshot.StringMatch;
import dev.sidecarinjector.api.snapshot.WeightedCluster;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Header edits, uri rewrite and redirect locations. */
class RequestEditsTest {

    /** Headers as a multimap that records the order of operations. */
    static final class RecordingHeaders implements HeaderMutator {
        final Map<String, List<String>> values = new LinkedHashMap<>();

        @Override
        public void set(String name, String value) {
            values.put(name, new ArrayList<>(List.of(value)));
        }

        @Override
        public void add(String name, String value) {
            values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }

        @Override
        public void remove(String name) {
            values.remove(name);
        }
    }

    @Test
    void destinationEditsComeFirstThenTheRoutesAndWithinALevelRemoveSetAdd() {
        var destination = new Headers(new HeaderEdit(Map.of("x-version", "v2", "x-both", "destination"), Map.of("x-trace", "d"),
                List.of("x-secret")), new HeaderEdit(Map.of(), Map.of("x-served", "v2"), List.of()));
        var routeLevel = new Headers(new HeaderEdit(Map.of("x-both", "route"), Map.of("x-trace", "r"), List.of("x-trace")),
                new HeaderEdit(Map.of(), Map.of(), List.of("server")));
        var route = new CompiledRoute(new Route("r", List.of(), List.of(new WeightedCluster("a", 100, destination)), null, 0,
                RetryPolicy.NONE, null, null, routeLevel), new ClusterState[] {ClusterState.compile(cluster("a", 1), null)});
        var request = new RecordingHeaders();
        request.set("x-secret", "s");
        request.set("x-trace", "client");
        HeaderEdits.applyToRequest(route, 0, request);
        assertEquals(Map.of("x-version", List.of("v2"), "x-both", List.of("route"), "x-trace", List.of("r")), request.values,
                "the route's remove drops the destination's add; the route's set wins");
        var response = new RecordingHeaders();
        response.set("server", "envoy");
        HeaderEdits.applyToResponse(route, 0, response);
        assertEquals(Map.of("x-served", List.of("v2")), response.values);
    }

    @Test
    void anEditOfAFramingHeaderIsNeverApplied() {
        var edits = new Headers(new HeaderEdit(Map.of("content-length", "3", "x-a", "1"), Map.of("Transfer-Encoding", "chunked"),
                List.of("content-length")), HeaderEdit.NONE);
        var route = new CompiledRoute(new Route("r", List.of(), List.of(new WeightedCluster("a", 100, Headers.NONE)), null, 0,
                RetryPolicy.NONE, null, null, edits), new ClusterState[] {ClusterState.compile(cluster("a", 1), null)});
        var request = new RecordingHeaders();
        request.set("content-length", "12");
        HeaderEdits.applyToRequest(route, 0, request);
        assertEquals(Map.of("content-length", List.of("12"), "x-a", List.of("1")), request.values);
    }

    @ParameterizedTest(name = "{0} {1} + rewrite {2} -> {3}")
    @CsvSource({
            "prefix, /api,      /api/v1/items?x=1, /v2,  /v2/v1/items?x=1",
            "prefix, /api/,     /api/v1,           /,    /v1",
            "prefix, /,         /a/b,              /x/,  /x/a/b",
            "exact,  /login,    /login?next=/home, /signin, /signin?next=/home",
            "regex,  /items/.*, /items/42,         /all, /all",
            "none,   '',        /a/b?q,            /x/,  /x/a/b?q",
    })
    void uriRewriteReplacesWhatTheMatchMatched(String kind, String value, String target, String replacement, String expected) {
        var match = switch (kind) {
            case "prefix" -> uri(StringMatch.prefix(value));
            case "exact" -> uri(StringMatch.exact(value));
            case "regex" -> uri(StringMatch.regex(value));
            default -> null;
        };
        assertEquals(expected, UriRewrite.rewrite(HttpRequestLine.of("GET", target, "h", "http", 80), match, replacement));
    }

    @ParameterizedTest(name = "{0} {1} ...")
    @CsvSource(nullValues = "~", value = {
            // request authority, target,   uri,      authority,        scheme, port, expected Location
            "reviews:9080,     /a?x=1,      /b,       ~,                ~,      0,    http://reviews:9080/b?x=1",
            "reviews:9080,     /a?x=1,      ~,        ~,                https,  0,    https://reviews/a?x=1",
            "reviews:9080,     /a,          ~,        ~,                https,  8443, https://reviews:8443/a",
            "reviews,          /a,          ~,        new.example.com,  ~,      0,    http://new.example.com/a",
            "reviews,          /a,          ~,        new.example.com:81, ~,    0,    http://new.example.com:81/a",
            "reviews:80,       /a,          /b?y=2,   ~,                ~,      0,    http://reviews/b?y=2",
            "reviews,          /a,          ~,        ~,                ~,      8080, http://reviews:8080/a",
    })
    void redirectLocationReplacesWhatTheRedirectSets(String authority, String target, String uri, String newAuthority, String scheme,
                                                     int port, String expected) {
        var request = HttpRequestLine.of("GET", target, authority, "http", 80);
        assertEquals(expected, RedirectLocation.build(new Redirect(uri, newAuthority, scheme, port, 301), request));
    }

    @Test
    void aDerivedPortIsTheSchemesDefaultOrTheRequestsPort() {
        var request = HttpRequestLine.of("GET", "/a", "reviews:9080", "http", 9080);
        assertEquals("https://reviews/a", RedirectLocation.build(
                new Redirect(null, null, "https", 0, 301, Redirect.DerivePort.PROTOCOL_DEFAULT), request));
        assertEquals("http://new.example.com/a", RedirectLocation.build(
                new Redirect(null, "new.example.com:8080", null, 0, 301, Redirect.DerivePort.PROTOCOL_DEFAULT), request));
        assertEquals("http://new.example.com:9080/a", RedirectLocation.build(
                new Redirect(null, "new.example.com", null, 0, 301, Redirect.DerivePort.REQUEST_PORT), request));
        assertEquals("https://reviews:9080/a", RedirectLocation.build(
                new Redirect(null, null, "https", 0, 301, Redirect.DerivePort.REQUEST_PORT), request));
    }

    @Test
    void requestLineSplitsTheTargetOnce() {
        var line = HttpRequestLine.of("GET", "/a/b?c=d&e", "h", "http", 80);
        assertEquals("/a/b", line.path());
        assertEquals("c=d&e", line.query());
        assertEquals("/a/b?c=d&e", line.target());
        assertEquals(null, HttpRequestLine.of("GET", "/a", "h", "http", 80).query());
    }

    @Test
    void aRedirectRouteHasNoDestination() {
        var redirect = new CompiledRoute(new Route("r", List.of(), List.of(), new Redirect("/b", null, null, 0, 301), 0,
                RetryPolicy.NONE, null, null, Headers.NONE), new ClusterState[0]);
        assertEquals(0, redirect.destinationCount());
        var response = new RecordingHeaders();
        HeaderEdits.applyToResponse(redirect, -1, response);
        assertEquals(Map.of(), response.values);
    }
}
