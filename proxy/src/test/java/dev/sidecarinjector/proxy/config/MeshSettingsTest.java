package dev.sidecarinjector.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.stream.ProxyNode;
import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeshSettingsTest {

    private static MeshSettings parse(List<String> args, Map<String, String> env) throws UsageException {
        return MeshSettings.from(Flags.parse(args, MeshSettings.FLAGS, Set.of()), env);
    }

    @Test
    void istiosDefaultsAndTheDownwardApisIdentity() throws Exception {
        var settings = parse(List.of("--control-plane", "sidecar-injector.mesh.svc:15012"),
                Map.of("POD_NAME", "app-1", "POD_NAMESPACE", "shop", "INSTANCE_IP", "10.0.0.9", "SERVICE_ACCOUNT", "app"));
        assertEquals("sidecar-injector.mesh.svc", settings.controlPlaneHost());
        assertEquals(15012, settings.controlPlanePort());
        assertEquals(Path.of("/var/run/secrets/istio/root-cert.pem"), settings.rootCert());
        assertEquals(Path.of("/var/run/secrets/tokens/istio-token"), settings.tokenFile());
        assertEquals(Duration.ofSeconds(30), settings.configGrace());
        assertEquals(15000, settings.adminPort());
        assertEquals(new ProxyNode("shop", "app-1", "10.0.0.9", "app"), settings.node());
    }

    @Test
    void aControlPlaneIsANameOrAnAddress() throws Exception {
        assertEquals("10.96.0.12", parse(List.of("--control-plane", "10.96.0.12:15012"), Map.of()).controlPlaneHost());
        var ipv6 = parse(List.of("--control-plane", "[fd00::12]:15012"), Map.of());
        assertEquals("fd00::12", ipv6.controlPlaneHost());
        assertEquals("[fd00::12]:15012", ipv6.controlPlane());
    }

    @Test
    void withoutAControlPlaneTheMeshIsOff() throws Exception {
        assertFalse(parse(List.of(), Map.of()).meshEnabled());
    }

    @Test
    void aBadAddressNamesTheFlagAndTheValue() {
        for (var bad : List.of("istiod", "istiod:", ":15012", "istiod:99999", "istiod:x")) {
            var error = assertThrows(UsageException.class, () -> parse(List.of("--control-plane", bad), Map.of()));
            assertEquals(true, error.getMessage().startsWith("--control-plane"), error.getMessage());
            assertEquals(true, error.getMessage().contains(bad.substring(bad.lastIndexOf(':') + 1)), error.getMessage());
        }
        for (var bad : List.of("a b:1", "bad_host:15012", "[fd00::zz]:15012", "-istiod:15012")) {
            var error = assertThrows(UsageException.class, () -> parse(List.of("--control-plane", bad), Map.of()));
            var host = bad.substring(0, bad.lastIndexOf(':'));
            assertEquals("--control-plane: \"" + bad + "\" is not HOST:PORT: \"" + host + "\" is not a DNS name or an IP address", error.getMessage());
        }
        var unbracketed = assertThrows(UsageException.class, () -> parse(List.of("--control-plane", "fd00::12:15012"), Map.of()));
        assertEquals("--control-plane: \"fd00::12:15012\" is not HOST:PORT: an IPv6 address is written in brackets, [fd00::12]:15012",
                unbracketed.getMessage());
        assertThrows(UsageException.class, () -> parse(List.of("--config-grace-seconds", "-1"), Map.of()));
    }
}
