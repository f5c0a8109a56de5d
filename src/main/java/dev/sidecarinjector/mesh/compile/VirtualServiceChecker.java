package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.net.InvalidListException;
import dev.sidecarinjector.api.snapshot.Limits;
import dev.sidecarinjector.api.snapshot.RetryPolicy;
import dev.sidecarinjector.api.snapshot.RouteMatch;
import dev.sidecarinjector.api.snapshot.TcpMatch;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRetry;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRoute;
import io.fabric8.istio.api.networking.v1.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a VirtualService field by field, as Istio's validation does, and turns its {@code http} routes into
 * {@link RouteSpec}s. The first bad field leaves the whole resource out with a {@link Problem}; parts that are
 * valid Istio but not supported yet, and that do not change where traffic goes (mirror, tls routes),
 * are ignored with a warning.
 */
final class VirtualServiceChecker {

    /** Istio's retry conditions (its validation takes these and HTTP statuses); the proxy knows {@link RetryPolicy#CONDITIONS} of them. */
    static final List<String> ISTIO_RETRY_CONDITIONS = List.of("5xx", "gateway-error", "reset", "connect-failure", "retriable-4xx",
            "refused-stream", "retriable-status-codes", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure",
            "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");

    static final String KIND = "VirtualService";
    /** Istio's retry policy when a route sets none. */
    static final RetryPolicy DEFAULT_RETRIES = new RetryPolicy(2, 0,
            List.of("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes"), List.of(503));
    /** Istio warns about a direct response's body over 100 KB (and refuses 1 MB). */
    private static final int LARGE_DIRECT_RESPONSE = 100 * 1024;

    private final String domain;

    VirtualServiceChecker(String domain) {
        this.domain = domain;
    }

    /** The checked resource, or null when it is left out; problems (errors and warnings) go to {@code problems}. */
    CheckedVirtualService check(VirtualService resource, List<Problem> problems) {
        var namespace = MeshIndex.namespace(resource);
        var name = resource.getMetadata().getName();
        var warnings = new ArrayList<Problem>();
        try {
            var checked = check(resource, namespace, name, warnings);
            problems.addAll(warnings);
            return checked;
        } catch (InvalidField e) {
            problems.add(Problem.invalid(KIND, namespace, name, e.field, e.value, e.getMessage()));
            return null;
        }
    }

    private CheckedVirtualService check(VirtualService resource, String namespace, String name, List<Problem> warnings) {
        var spec = resource.getSpec();
        if (spec == null) {
            throw new InvalidField("spec", null, "is missing");
        }
        if (spec.getHosts() == null || spec.getHosts().isEmpty()) {
            throw new InvalidField("spec.hosts", null, "is empty (a VirtualService needs at least one host)");
        }
        var hosts = new ArrayList<String>();
        for (var i = 0; i < spec.getHosts().size(); i++) {
            var host = spec.getHosts().get(i);
            var problem = Hosts.problem(host);
            if (problem != null) {
                throw new InvalidField("spec.hosts[" + i + "]", host, problem);
            }
            hosts.add(Hosts.fqdn(host, namespace, domain));
        }
        if (isEmpty(spec.getHttp()) && isEmpty(spec.getTcp()) && isEmpty(spec.getTls())) {
            // Istio's words: a VirtualService with no routes would win its hosts and send their requests nowhere.
            throw new InvalidField("spec.http", null, "is empty: http, tcp or tls must be provided in virtual service");
        }
        if (spec.getTls() != null && !spec.getTls().isEmpty()) {
            warnings.add(Problem.ignored(KIND, namespace, name, "spec.tls", null, "is not supported yet; ignored"));
        }
        var routes = new ArrayList<RouteSpec>();
        var http = spec.getHttp() == null ? List.<HTTPRoute>of() : spec.getHttp();
        for (var i = 0; i < http.size(); i++) {
            var route = route(http.get(i), "spec.http[" + i + "]", namespace, name, i, warnings);
            if (route != null) {
                routes.add(route);
            }
        }
        var tcpRoutes = new ArrayList<CheckedVirtualService.TcpRouteSpec>();
        var tcp = spec.getTcp() == null ? List.<TCPRoute>of() : spec.getTcp();
        for (var i = 0; i < tcp.size(); i++) {
            var route = tcpRoute(tcp.get(i), "spec.tcp[" + i + "]", namespace, name, i);
            if (route != null) {
                tcpRoutes.add(route);
            }
        }
        var createdAt = DestinationRuleChecker.created(resource.getMetadata().getCreationTimestamp());
        return new CheckedVirtualService(namespace, name, createdAt, List.copyOf(hosts),
                ExportTo.checked(spec.getExportTo()), List.copyOf(routes), List.copyOf(tcpRoutes));
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }

    /** One route, or null when none of its matches applies to sidecars (they all name gateways without mesh). */
    private RouteSpec route(HTTPRoute route, String field, String namespace, String name, int index, List<Problem> warnings) {
        if (route.getDelegate() != null) {
            throw new InvalidField(field + ".delegate", null, "is not supported yet");
        }
        if (route.getMirror() != null || route.getMirrors() != null && !route.getMirrors().isEmpty()) {
            warnings.add(Problem.ignored(KIND, namespace, name, field + ".mirror", null, "is not supported yet; ignored"));
        }
        var matches = new ArrayList<RouteMatch>();
        var given = route.getMatch() == null ? 0 : route.getMatch().size();
        for (var j = 0; j < given; j++) {
            var match = route.getMatch().get(j);
            if (match.getGateways() != null && !match.getGateways().isEmpty() && !match.getGateways().contains("mesh")) {
                continue;
            }
            matches.add(Matches.of(match, field + ".match[" + j + "]"));
        }
        var hasRoute = route.getRoute() != null && !route.getRoute().isEmpty();
        if (hasRoute && route.getRedirect() != null) {
            throw new InvalidField(field + ".redirect", null, "cannot be set together with route");
        }
        if (route.getDirectResponse() != null) {
            // Istio's conflicts: a direct response replaces forwarding, so nothing that shapes a forwarded request.
            var conflict = hasRoute ? "route" : route.getRedirect() != null ? "redirect" : route.getFault() != null ? "fault"
                    : route.getRewrite() != null ? "rewrite" : null;
            if (conflict != null) {
                throw new InvalidField(field + ".directResponse", null, "cannot be set together with " + conflict);
            }
        } else if (!hasRoute && route.getRedirect() == null) {
            throw new InvalidField(field + ".route", null, "is empty (a route needs route destinations, a redirect or a directResponse)");
        }
        var destinations = hasRoute ? destinations(route, field, namespace, framing(namespace, name, warnings)) : List.<RouteSpec.DestinationSpec>of();
        var routeName = namespace + "/" + name + "." + (route.getName() == null || route.getName().isEmpty() ? String.valueOf(index) : route.getName());
        var spec = new RouteSpec(routeName, matches, destinations, RouteActions.redirect(route.getRedirect(), field + ".redirect"),
                RouteActions.directResponse(route.getDirectResponse(), field + ".directResponse"),
                route.getTimeout() == null ? 0 : Durations.millis(field + ".timeout", route.getTimeout(), 0),
                hasRoute ? retries(route.getRetries(), field + ".retries", namespace, name, warnings) : RetryPolicy.NONE,
                RouteActions.fault(route.getFault(), field + ".fault"), RouteActions.rewrite(route.getRewrite(), field + ".rewrite"),
                RouteActions.headers(route.getHeaders(), field + ".headers", framing(namespace, name, warnings)),
                RouteActions.cors(route.getCorsPolicy(), field + ".corsPolicy"));
        var directBody = spec.directResponse() == null ? 0 : spec.directResponse().body().length;
        if (directBody > LARGE_DIRECT_RESPONSE) {
            warnings.add(Problem.ignored(KIND, namespace, name, field + ".directResponse.body", null, "holds "
                    + directBody + " bytes: large direct responses may impact control plane performance (Istio's warning over 100 KB)"));
        }
        return given > 0 && matches.isEmpty() ? null : spec;
    }

    /**
     * One {@code tcp} route, or null when none of its matches applies to sidecars (they all name gateways without
     * mesh), checked as Istio checks it: destinations required, subnets that are CIDRs, a port.
     */
    private CheckedVirtualService.TcpRouteSpec tcpRoute(TCPRoute route, String field, String namespace, String name, int index) {
        if (route.getRoute() == null || route.getRoute().isEmpty()) {
            throw new InvalidField(field + ".route", null, "is empty (TCP route is required)");
        }
        var matches = new ArrayList<TcpMatch>();
        var given = route.getMatch() == null ? 0 : route.getMatch().size();
        for (var j = 0; j < given; j++) {
            var match = route.getMatch().get(j);
            var at = field + ".match[" + j + "]";
            if (match == null) {
                throw new InvalidField(at, null, "is null (tcp match may not be nil)");
            }
            if (match.getGateways() != null && !match.getGateways().isEmpty() && !match.getGateways().contains("mesh")) {
                continue;
            }
            var subnets = match.getDestinationSubnets() == null ? List.<String>of() : match.getDestinationSubnets();
            for (var k = 0; k < subnets.size(); k++) {
                try {
                    TcpMatch.subnet(at + ".destinationSubnets[" + k + "]", subnets.get(k));
                } catch (InvalidListException e) {
                    throw new InvalidField(at + ".destinationSubnets[" + k + "]", subnets.get(k), e.problem());
                }
            }
            var port = match.getPort() == null ? 0L : match.getPort();
            if (port != 0 && !Limits.isPort(port)) {
                throw new InvalidField(at + ".port", port, "is not a port");
            }
            if (match.getSourceSubnet() != null && !match.getSourceSubnet().isEmpty()) {
                throw new InvalidField(at + ".sourceSubnet", match.getSourceSubnet(), "is not supported yet (Istio applies it at gateways)");
            }
            matches.add(new TcpMatch(subnets, (int) port, match.getSourceLabels() == null ? Map.of() : match.getSourceLabels(),
                    match.getSourceNamespace() == null || match.getSourceNamespace().isEmpty() ? null : match.getSourceNamespace()));
        }
        if (given > 0 && matches.isEmpty()) {
            return null;
        }
        var entries = new ArrayList<Weighted>();
        for (var destination : route.getRoute()) {
            entries.add(destination == null ? null : new Weighted(destination.getDestination(), destination.getWeight(), null));
        }
        return new CheckedVirtualService.TcpRouteSpec(namespace + "/" + name + ".tcp." + index, matches,
                destinations(entries, field, namespace, noHeaders -> { }));
    }

    /** Reports an edit of a framing header as left out of the VirtualService {@code namespace/name}. */
    private static java.util.function.Consumer<String> framing(String namespace, String name, List<Problem> warnings) {
        return field -> warnings.add(Problem.ignored(KIND, namespace, name, field, null,
                "edits a header that frames the message, which the proxy writes; ignored"));
    }

    /** A {@code route[]} entry of an http or tcp route: where to, its weight, its header edits (http only). */
    private record Weighted(Destination destination, Integer weight, io.fabric8.istio.api.api.networking.v1alpha3.Headers headers) {
    }

    private List<RouteSpec.DestinationSpec> destinations(HTTPRoute route, String field, String namespace,
                                                         java.util.function.Consumer<String> framing) {
        var entries = new ArrayList<Weighted>();
        for (var destination : route.getRoute()) {
            entries.add(destination == null ? null : new Weighted(destination.getDestination(), destination.getWeight(), destination.getHeaders()));
        }
        return destinations(entries, field, namespace, framing);
    }

    private List<RouteSpec.DestinationSpec> destinations(List<Weighted> route, String field, String namespace,
                                                         java.util.function.Consumer<String> framing) {
        var list = new ArrayList<RouteSpec.DestinationSpec>();
        var total = 0L;
        var single = route.size() == 1;
        for (var k = 0; k < route.size(); k++) {
            var entry = route.get(k);
            var at = field + ".route[" + k + "]";
            if (entry == null) {
                throw new InvalidField(at, null, "is null (weight may not be nil)");
            }
            var destination = entry.destination();
            if (destination == null || destination.getHost() == null || destination.getHost().isBlank()) {
                throw new InvalidField(at + ".destination.host", null, "is missing");
            }
            var problem = Hosts.problem(destination.getHost());
            if (problem != null) {
                throw new InvalidField(at + ".destination.host", destination.getHost(), problem);
            }
            if (Hosts.isWildcard(destination.getHost())) {
                throw new InvalidField(at + ".destination.host", destination.getHost(), "is a wildcard (a destination names one host)");
            }
            var weight = entry.weight() == null ? 0 : entry.weight();
            if (weight < 0 || weight > 100) {
                throw new InvalidField(at + ".weight", weight, "is not between 0 and 100");
            }
            if (single) {
                weight = 100;
            }
            total += weight;
            var port = destination.getPort() == null || destination.getPort().getNumber() == null ? 0L : destination.getPort().getNumber();
            // A port selector written is a port, 0 included (Istio refuses port: {number: 0} and port: {}); no selector is none.
            if (destination.getPort() != null && !Limits.isPort(port)) {
                throw new InvalidField(at + ".destination.port.number", port, "is not a port");
            }
            var subset = destination.getSubset() == null || destination.getSubset().isEmpty() ? null : destination.getSubset();
            list.add(new RouteSpec.DestinationSpec(Hosts.fqdn(destination.getHost(), namespace, domain), subset, (int) port,
                    weight, RouteActions.headers(entry.headers(), at + ".headers", framing), at + ".destination"));
        }
        if (total <= 0) {
            throw new InvalidField(field + ".route", null, "weights add up to 0");
        }
        return List.copyOf(list);
    }

    /** Istio's conversion: no retries field: the default policy; attempts 0: none; numbers in retryOn are status codes. */
    private static RetryPolicy retries(HTTPRetry retries, String field, String namespace, String name, List<Problem> warnings) {
        if (retries == null) {
            return DEFAULT_RETRIES;
        }
        var attempts = retries.getAttempts() == null ? 0 : retries.getAttempts();
        if (attempts < 0 || attempts > Limits.MAX_RETRY_ATTEMPTS) {
            throw new InvalidField(field + ".attempts", attempts, "is not between 0 and " + Limits.MAX_RETRY_ATTEMPTS
                    + " (the most retries the proxy makes)");
        }
        var perTry = retries.getPerTryTimeout() == null ? 0 : Durations.millis(field + ".perTryTimeout", retries.getPerTryTimeout(), 1);
        if (attempts == 0) {
            return RetryPolicy.NONE;
        }
        var retryOn = DEFAULT_RETRIES.retryOn();
        var codes = DEFAULT_RETRIES.retriableStatusCodes();
        if (retries.getRetryOn() != null && !retries.getRetryOn().isBlank()) {
            var on = new ArrayList<String>();
            var statuses = new ArrayList<Integer>();
            for (var token : retries.getRetryOn().split(",")) {
                var condition = token.strip();
                if (condition.isEmpty()) {
                    continue;
                }
                if (condition.chars().allMatch(Character::isDigit)) {
                    var code = condition.length() > 3 ? -1 : Integer.parseInt(condition);
                    if (code < 100 || code > 599) {
                        throw new InvalidField(field + ".retryOn", retries.getRetryOn(), "names \"" + condition + "\", which is not an HTTP status");
                    }
                    statuses.add(code);
                } else if (RetryPolicy.CONDITIONS.contains(condition)) {
                    if (!on.contains(condition)) {
                        on.add(condition);
                    }
                } else if (ISTIO_RETRY_CONDITIONS.contains(condition)) {
                    warnings.add(Problem.ignored(KIND, namespace, name, field + ".retryOn", condition,
                            "is not a retry condition the proxy knows (" + String.join(", ", RetryPolicy.CONDITIONS) + "); ignored"));
                } else {
                    // As Istio's validation: a name that is neither one of its retry conditions nor a status refuses the VirtualService.
                    throw new InvalidField(field + ".retryOn", retries.getRetryOn(), "names \"" + condition
                            + "\", which is not one of Istio's retry conditions (" + String.join(", ", ISTIO_RETRY_CONDITIONS) + ") nor an HTTP status");
                }
            }
            if (on.isEmpty() && statuses.isEmpty()) {
                warnings.add(Problem.ignored(KIND, namespace, name, field + ".retryOn", retries.getRetryOn(),
                        "leaves no retry condition the proxy knows: this route is not retried"));
                return RetryPolicy.NONE;
            }
            if (!statuses.isEmpty() && !on.contains("retriable-status-codes")) {
                on.add("retriable-status-codes");
            }
            retryOn = on;
            codes = statuses;
        }
        return new RetryPolicy(attempts, perTry, retryOn, codes);
    }

}
