package dev.sidecarinjector.proxy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.json.JsonException;
import java.util.List;
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
