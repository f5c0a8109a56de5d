package dev.sidecarinjector.api.probe;

import dev.sidecarinjector.api.json.Json;
import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One of the application's original probes, which the injector moved to the proxy's status port (Istio's
 * {@code ISTIO_KUBE_APP_PROBERS}): kubelet asks {@code :15020/app-health/<container>/readyz} and the proxy runs the
 * probe against the application itself, from 127.0.0.6, so it keeps working when inbound traffic must be mTLS.
 * Named ports were resolved to numbers by the injector. The injector writes the document ({@link #toJson(Map)}) and
 * the proxy reads it ({@link #parse}) with this one class, so the two cannot disagree on its shape.
 */
public record AppProbe(Kind kind, int port, String path, String scheme, String host, List<Header> headers, int timeoutSeconds,
                       String grpcService) implements JsonWriter.Writable {

    /** The environment variable, Istio's name. */
    public static final String VARIABLE = "ISTIO_KUBE_APP_PROBERS";
    /** Every status-port path starts so: {@code /app-health/<container>/readyz|livez|startupz}. */
    public static final String PATH_PREFIX = "/app-health/";
    /** The proxy's bound on a probe's timeout; Kubernetes has none. */
    public static final int MAX_TIMEOUT_SECONDS = 3600;

    public enum Kind { HTTP_GET, TCP_SOCKET, GRPC }

    public record Header(String name, String value) implements JsonWriter.Writable {
        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("name", name).field("value", value).endObject();
        }
    }

    /** An HTTP GET as kubelet runs it: a path without its leading slash gets one, the scheme is upper case. */
    public static AppProbe httpGet(int port, String path, String scheme, String host, List<Header> headers, int timeoutSeconds) {
        var fullPath = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
        return new AppProbe(Kind.HTTP_GET, port, fullPath, scheme == null ? "HTTP" : scheme.toUpperCase(Locale.ROOT),
                host == null ? "" : host, List.copyOf(headers), timeoutSeconds, null);
    }

    public static AppProbe tcpSocket(int port, String host, int timeoutSeconds) {
        return new AppProbe(Kind.TCP_SOCKET, port, null, null, host == null ? "" : host, List.of(), timeoutSeconds, null);
    }

    public static AppProbe grpc(int port, String service, int timeoutSeconds) {
        return new AppProbe(Kind.GRPC, port, null, null, "", List.of(), timeoutSeconds, service == null ? "" : service);
    }

    /**
     * The value of {@link #VARIABLE}: one compact JSON object from status-port path to probe, the keys sorted so that
     * the same probes always give the same text (a stable pod spec, readable golden files).
     */
    public static String toJson(Map<String, AppProbe> probes) {
        var json = JsonWriter.compact().beginObject();
        new TreeMap<>(probes).forEach(json::field);
        return json.endObject().toString();
    }

    /** {@code {"httpGet": {...}, "timeoutSeconds": N}}, Istio's field names and order. */
    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject();
        json.field(switch (kind) {
            case HTTP_GET -> "httpGet";
            case TCP_SOCKET -> "tcpSocket";
            case GRPC -> "grpc";
        }, new Action(this));
        json.field("timeoutSeconds", timeoutSeconds).endObject();
    }

    /** The action object inside the probe; empty strings are left out, as Istio's omitempty leaves them out. */
    private record Action(AppProbe probe) implements JsonWriter.Writable {
        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject();
            if (probe.kind == Kind.HTTP_GET) {
                json.field("path", probe.path);
            }
            json.field("port", probe.port).field("host", emptyIsNull(probe.host));
            if (probe.kind == Kind.HTTP_GET) {
                json.field("scheme", probe.scheme).field("httpHeaders", probe.headers);
            }
            if (probe.kind == Kind.GRPC) {
                json.field("service", emptyIsNull(probe.grpcService));
            }
            json.endObject();
        }

        private static String emptyIsNull(String value) {
            return value == null || value.isEmpty() ? null : value;
        }
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
                throw new JsonException(VARIABLE + ": \"" + path + "\" is not " + PATH_PREFIX + "<container>/readyz, livez or startupz");
            }
        }
        return probes;
    }

    static AppProbe read(JsonObject json) {
        var timeout = (int) json.number("timeoutSeconds", 1, 1, MAX_TIMEOUT_SECONDS);
        var kinds = (json.has("httpGet") ? 1 : 0) + (json.has("tcpSocket") ? 1 : 0) + (json.has("grpc") ? 1 : 0);
        if (kinds != 1) {
            throw json.error("httpGet", "exactly one of httpGet, tcpSocket and grpc is needed");
        }
        if (json.has("httpGet")) {
            return json.object("httpGet", http -> {
                var scheme = http.string("scheme", "HTTP").toUpperCase(Locale.ROOT);
                if (!scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
                    throw http.error("scheme", "\"" + scheme + "\" is not HTTP or HTTPS");
                }
                return httpGet(port(http), http.string("path", "/"), scheme, http.string("host", ""),
                        http.list("httpHeaders", h -> new Header(h.string("name"), h.string("value", ""))), timeout);
            });
        }
        if (json.has("tcpSocket")) {
            return json.object("tcpSocket", tcp -> tcpSocket(port(tcp), tcp.string("host", ""), timeout));
        }
        return json.object("grpc", grpc -> grpc(port(grpc), grpc.string("service", ""), timeout));
    }

    private static int port(JsonObject json) {
        return (int) json.number("port", 1, 65535);
    }
}
