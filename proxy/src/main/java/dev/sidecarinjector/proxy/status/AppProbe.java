package dev.sidecarinjector.proxy.status;

import dev.sidecarinjector.api.json.Json;
import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One of the application's original probes, which the injector moved to the proxy's status port (Istio's
 * {@code ISTIO_KUBE_APP_PROBERS}): kubelet asks {@code :15020/app-health/<container>/readyz} and the proxy runs the
 * probe against the application itself, from 127.0.0.6, so it keeps working when inbound traffic must be mTLS.
 * Named ports were resolved to numbers by the injector.
 */
public record AppProbe(Kind kind, int port, String path, String scheme, String host, List<Header> headers, int timeoutSeconds,
                       String grpcService) {

    /** The environment variable, Istio's name. */
    public static final String VARIABLE = "ISTIO_KUBE_APP_PROBERS";

    public enum Kind { HTTP_GET, TCP_SOCKET, GRPC }

    public record Header(String name, String value) {
    }

    /**
     * The probes by status-port path. Every key is {@code /app-health/<container>/readyz|livez|startupz}; a bad
     * document fails with the path of the first wrong field ({@code ISTIO_KUBE_APP_PROBERS./app-health/app/readyz.httpGet.port}).
     */
    public static Map<String, AppProbe> parse(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        var root = JsonObject.root(Map.of(VARIABLE, Json.parse(json)), "");
        var probes = root.objectMap(VARIABLE, AppProbe::read);
        for (var path : probes.keySet()) {
            if (!path.matches("/app-health/[^/]+/(readyz|livez|startupz)")) {
                throw new JsonException(VARIABLE + ": \"" + path + "\" is not /app-health/<container>/readyz, livez or startupz");
            }
        }
        return probes;
    }

    static AppProbe read(JsonObject json) {
        var timeout = (int) json.number("timeoutSeconds", 1, 1, 3600);
        var kinds = (json.has("httpGet") ? 1 : 0) + (json.has("tcpSocket") ? 1 : 0) + (json.has("grpc") ? 1 : 0);
        if (kinds != 1) {
            throw json.error("httpGet", "exactly one of httpGet, tcpSocket and grpc is needed");
        }
        if (json.has("httpGet")) {
            return json.object("httpGet", http -> {
                var scheme = http.string("scheme", "HTTP").toUpperCase(java.util.Locale.ROOT);
                if (!scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
                    throw http.error("scheme", "\"" + scheme + "\" is not HTTP or HTTPS");
                }
                var path = http.string("path", "/");
                return new AppProbe(Kind.HTTP_GET, port(http), path.startsWith("/") ? path : "/" + path, scheme,
                        http.string("host", ""), http.list("httpHeaders", h -> new Header(h.string("name"), h.string("value", ""))),
                        timeout, null);
            });
        }
        if (json.has("tcpSocket")) {
            return json.object("tcpSocket", tcp -> new AppProbe(Kind.TCP_SOCKET, port(tcp), null, null, tcp.string("host", ""),
                    List.of(), timeout, null));
        }
        return json.object("grpc", grpc -> new AppProbe(Kind.GRPC, port(grpc), null, null, "", List.of(), timeout,
                grpc.string("service", "")));
    }

    private static int port(JsonObject json) {
        return (int) json.number("port", 1, 65535);
    }
}
