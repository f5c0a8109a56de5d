package dev.sidecarinjector.api.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.json.JsonException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppProbeTest {

    @Test
    void readsIstiosProberDocument() {
        var probes = AppProbe.parse("""
                {"/app-health/app/readyz": {"httpGet": {"path": "ready", "port": 8080, "scheme": "HTTPS",
                   "httpHeaders": [{"name": "x-probe", "value": "kubelet"}]}, "timeoutSeconds": 3},
                 "/app-health/app/livez": {"tcpSocket": {"port": 8081}},
                 "/app-health/db/startupz": {"grpc": {"port": 9090, "service": "db"}}}""");
        assertEquals(new AppProbe(AppProbe.Kind.HTTP_GET, 8080, "/ready", "HTTPS", "", List.of(new AppProbe.Header("x-probe", "kubelet")), 3, null),
                probes.get("/app-health/app/readyz"));
        assertEquals(new AppProbe(AppProbe.Kind.TCP_SOCKET, 8081, null, null, "", List.of(), 1, null), probes.get("/app-health/app/livez"));
        assertEquals(AppProbe.Kind.GRPC, probes.get("/app-health/db/startupz").kind());
        assertEquals("db", probes.get("/app-health/db/startupz").grpcService());
    }

    @Test
    void theInjectorsDocumentIsIstiosShapeWithSortedKeysAndReadsBackAsWritten() {
        var probes = new LinkedHashMap<String, AppProbe>();
        probes.put("/app-health/web/readyz", AppProbe.httpGet(8443, "ready", "https", "", List.of(new AppProbe.Header("X-Probe", "a \"b\"")), 3));
        probes.put("/app-health/db/startupz", AppProbe.grpc(9090, "", 1));
        probes.put("/app-health/web/livez", AppProbe.tcpSocket(8080, "", 1));
        var json = AppProbe.toJson(probes);
        assertEquals("{\"/app-health/db/startupz\":{\"grpc\":{\"port\":9090},\"timeoutSeconds\":1},"
                + "\"/app-health/web/livez\":{\"tcpSocket\":{\"port\":8080},\"timeoutSeconds\":1},"
                + "\"/app-health/web/readyz\":{\"httpGet\":{\"path\":\"/ready\",\"port\":8443,\"scheme\":\"HTTPS\","
                + "\"httpHeaders\":[{\"name\":\"X-Probe\",\"value\":\"a \\\"b\\\"\"}]},\"timeoutSeconds\":3}}", json);
        assertEquals(Map.copyOf(probes), AppProbe.parse(json));
    }

    /** Istio's injector copies Kubernetes' GRPCAction, whose unset service is written {@code "service": null}. */
    @Test
    void istiosGrpcProberWithoutAServiceChecksTheWholeServer() {
        var probes = AppProbe.parse("{\"/app-health/api/livez\":{\"grpc\":{\"port\":9090,\"service\":null},\"timeoutSeconds\":2}}");
        assertEquals(AppProbe.grpc(9090, "", 2), probes.get("/app-health/api/livez"));
    }

    @Test
    void noVariableIsNoProbes() {
        assertEquals(0, AppProbe.parse(null).size());
        assertEquals(0, AppProbe.parse(" ").size());
    }

    @Test
    void aBadDocumentNamesTheField() {
        assertEquals("ISTIO_KUBE_APP_PROBERS./app-health/app/readyz.httpGet.port: 70000 is not a whole number in 1..65535",
                message("{\"/app-health/app/readyz\": {\"httpGet\": {\"port\": 70000}}}"));
        assertEquals("ISTIO_KUBE_APP_PROBERS: \"/healthz\" is not /app-health/<container>/readyz, livez or startupz",
                message("{\"/healthz\": {\"tcpSocket\": {\"port\": 1}}}"));
        assertEquals("ISTIO_KUBE_APP_PROBERS./app-health/app/livez.httpGet: exactly one of httpGet, tcpSocket and grpc is needed",
                message("{\"/app-health/app/livez\": {\"timeoutSeconds\": 1}}"));
        assertEquals("ISTIO_KUBE_APP_PROBERS./app-health/app/livez.httpGet.scheme: \"FTP\" is not HTTP or HTTPS",
                message("{\"/app-health/app/livez\": {\"httpGet\": {\"port\": 1, \"scheme\": \"ftp\"}}}"));
    }

    private static String message(String json) {
        return assertThrows(JsonException.class, () -> AppProbe.parse(json)).getMessage();
    }
}
