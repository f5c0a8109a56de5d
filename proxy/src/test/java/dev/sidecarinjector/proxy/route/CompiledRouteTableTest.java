package dev.sidecarinjector.proxy.route;

import static dev.sidecarinjector.proxy.mesh.MeshFixtures.cluster;
import static dev.sidecarinjector.proxy.mesh.MeshFixtures.match;
import static dev.sidecarinjector.proxy.mesh.MeshFixtures.route;
import static dev.sidecarinjector.proxy.mesh.MeshFixtures.uri;
import static dev.sidecarinjector.proxy.mesh.MeshFixtures.workload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sidecarinjector.api.snapshot.RouteMatch;
import dev.sidecarinjector.api.snapshot.RouteTable;
import dev.sidecarinjector.api.snapshot.StringMatch;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompiledRouteTableTest {

    private static final Map<String, ClusterState> CLUSTERS = Map.of("a", ClusterState.compile(cluster("a", 1), null),
            "b", ClusterState.compile(cluster("b", 1), null));

    record Headers(Map<String, String> values) implements RequestHeaders {
        @Override
        public String get(String lowerCaseName) {
            return values.get(lowerCaseName);
        }
    }

    private static final Headers NO_HEADERS = new Headers(Map.of());

    private static String select(CompiledRouteTable table, String method, String target, Map<String, String> headers) {
        var selected = table.select(HttpRequestLine.of(method, target, "reviews:9080", "http", 9080), new Headers(headers));
        return selected == null ? null : selected.route().route().name();
    }

    private static CompiledRouteTable table(RouteMatch... matchesOfFirstRoute) {
        return CompiledRouteTable.compile(new RouteTable("reviews:9080", "default/reviews",
                List.of(route("first", List.of(matchesOfFirstRoute), "a", "100"), route("rest", List.of(), "b", "100"))),
                workload("default", Map.of("app", "productpage", "version", "v1")), CLUSTERS);
    }

    @Test
    void uriMatchesExactPrefixRegexAndIgnoreCase() {
        var exact = table(uri(StringMatch.exact("/login")));
        assertEquals("first", select(exact, "GET", "/login?next=/", Map.of()), "the query is not part of the path");
        assertEquals("rest", select(exact, "GET", "/login/x", Map.of()));
        var prefix = table(uri(StringMatch.prefix("/api")));
        assertEquals("first", select(prefix, "GET", "/api/v1", Map.of()));
        assertEquals("rest", select(prefix, "GET", "/API/v1", Map.of()));
        var regex = table(uri(StringMatch.regex("/items/[0-9]+")));
        assertEquals("first", select(regex, "GET", "/items/42", Map.of()));
        assertEquals("rest", select(regex, "GET", "/items/42/x", Map.of()), "a regex matches the whole path");
        var ignoreCase = table(new RouteMatch(StringMatch.prefix("/api"), true, null, null, null, Map.of(), Map.of(), Map.of(), 0, Map.of(), null));
        assertEquals("first", select(ignoreCase, "GET", "/API/v1", Map.of()));
    }

    @Test
    void regexesMatchAsRe2MatchesThem() {
        var posix = table(uri(StringMatch.regex("/v[[:digit:]]+")));
        assertEquals("first", select(posix, "GET", "/v12", Map.of()));
        assertEquals("rest", select(posix, "GET", "/vdig:", Map.of()), "[[:digit:]] is a POSIX class, not a set of letters");
        var letters = table(match(StringMatch.regex("/\\p{L}+"), Map.of("x-name", StringMatch.regex("(?P<first>\\x{41}+)")), Map.of(), Map.of()));
        assertEquals("rest", select(letters, "GET", "/caf%C3%A9", Map.of("x-name", "AA")), "a percent sign is not a letter");
        assertEquals("first", select(letters, "GET", "/café", Map.of("x-name", "AA")));
        assertEquals("rest", select(letters, "GET", "/café", Map.of("x-name", "AB")));
    }

    @Test
    void nestedStarsOnALongPathGiveAnAnswer() {
        // java.util.regex backtracked for seconds on 31 characters here (n^12); RE2 is linear in the path.
        var table = table(uri(StringMatch.regex("/(.*a){12}")));
        assertEquals("rest", select(table, "GET", "/" + "a".repeat(4_000) + "b", Map.of()));
        assertEquals("first", select(table, "GET", "/" + "a".repeat(4_000), Map.of()));
    }

    @Test
    void everyConditionOfAMatchMustHoldAndAnyMatchWillDo() {
        var get = new RouteMatch(StringMatch.prefix("/api"), false, StringMatch.exact("GET"), null, null,
                Map.of("x-canary", StringMatch.exact("yes")), Map.of(), Map.of(), 0, Map.of(), null);
        var admin = uri(StringMatch.prefix("/admin"));
        var table = table(get, admin);
        assertEquals("first", select(table, "GET", "/api", Map.of("x-canary", "yes")));
        assertEquals("rest", select(table, "POST", "/api", Map.of("x-canary", "yes")), "method");
        assertEquals("rest", select(table, "GET", "/api", Map.of()), "header missing");
        assertEquals("rest", select(table, "GET", "/api", Map.of("x-canary", "no")), "header value");
        assertEquals("first", select(table, "DELETE", "/admin/x", Map.of()), "the second match");
    }

    @Test
    void headersWithoutHeadersAndQueryParams() {
        var table = table(match(null, Map.of("x-user", StringMatch.regex("jason|ann")), Map.of("x-block", StringMatch.prefix("")),
                Map.of("debug", StringMatch.exact("1"), "v", StringMatch.prefix("2"))));
        assertEquals("first", select(table, "GET", "/?debug=1&v=2.1", Map.of("x-user", "jason")));
        assertEquals("rest", select(table, "GET", "/?debug=1&v=2.1", Map.of("x-user", "jason", "x-block", "")), "withoutHeaders present");
        assertEquals("rest", select(table, "GET", "/?debug=10&v=2", Map.of("x-user", "ann")), "exact query value");
        assertEquals("rest", select(table, "GET", "/?debug=1", Map.of("x-user", "ann")), "query parameter missing");
        assertEquals("rest", select(table, "GET", "/", Map.of("x-user", "ann")), "no query at all");
        assertEquals("first", select(table, "GET", "/x?v=2&debug=1", Map.of("x-user", "ann")));
    }

    @Test
    void portAuthorityAndScheme() {
        var match = new RouteMatch(null, false, null, StringMatch.prefix("reviews"), StringMatch.exact("http"), Map.of(), Map.of(),
                Map.of(), 9080, Map.of(), null);
        var table = table(match);
        assertEquals("first", select(table, "GET", "/", Map.of()));
        var other = table.select(HttpRequestLine.of("GET", "/", "reviews:9080", "http", 8080), NO_HEADERS);
        assertEquals("rest", other.route().route().name(), "port");
        var host = table.select(HttpRequestLine.of("GET", "/", "ratings:9080", "http", 9080), NO_HEADERS);
        assertEquals("rest", host.route().route().name(), "authority");
    }

    @Test
    void sourceConditionsAreSettledAtCompileTime() {
        var mine = new RouteMatch(null, false, null, null, null, Map.of(), Map.of(), Map.of(), 0, Map.of("app", "productpage"), "default");
        var otherLabels = new RouteMatch(null, false, null, null, null, Map.of(), Map.of(), Map.of(), 0, Map.of("app", "ratings"), null);
        var otherNamespace = new RouteMatch(null, false, null, null, null, Map.of(), Map.of(), Map.of(), 0, Map.of(), "prod");
        assertEquals("first", select(table(mine), "GET", "/", Map.of()));
        assertEquals("rest", select(table(otherLabels), "GET", "/", Map.of()));
        assertEquals("rest", select(table(otherNamespace), "GET", "/", Map.of()));
        assertEquals("first", select(table(otherLabels, mine), "GET", "/", Map.of()));
    }

    @Test
    void noRouteMatchesIsNull() {
        var table = CompiledRouteTable.compile(new RouteTable("t", null, List.of(route("only", List.of(uri(StringMatch.exact("/x"))), "a", "1")))
                , workload("default", Map.of()), CLUSTERS);
        assertNull(table.select(HttpRequestLine.of("GET", "/y", "h", "http", 80), NO_HEADERS));
        var selected = table.select(HttpRequestLine.of("GET", "/x", "h", "http", 80), NO_HEADERS);
        assertSame(CLUSTERS.get("a"), selected.route().destination(0));
        assertEquals(StringMatch.exact("/x"), selected.match().uri());
    }
}
