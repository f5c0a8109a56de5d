package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The mesh flags the webhook renders are taken and checked; a bad one names the flag and the value. */
class MeshFlagsTest {

    private static MeshFlags parse(String... args) throws UsageException {
        var valued = new HashSet<>(ProxySettings.FLAGS);
        valued.addAll(MeshFlags.FLAGS);
        return MeshFlags.from(Flags.parse(List.of(args), valued, Set.of()));
    }

    @Test
    void renderedFlagsAreAccepted() throws Exception {
        var mesh = parse("--control-plane", "sidecar-injector.sidecar-injector.svc:15012",
                "--root-cert", "/var/run/secrets/istio/root-cert.pem", "--token-file", "/var/run/secrets/tokens/istio-token");
        assertEquals(Optional.of("sidecar-injector.sidecar-injector.svc:15012"), mesh.controlPlane());
        assertEquals("/var/run/secrets/istio/root-cert.pem", mesh.rootCert());
        assertEquals("/var/run/secrets/tokens/istio-token", mesh.tokenFile());
        assertEquals(Optional.of("[fd00::12]:15012"), parse("--control-plane=[fd00::12]:15012").controlPlane());
    }

    @Test
    void noControlPlaneKeepsIstiosDefaultPaths() throws Exception {
        var mesh = parse();
        assertEquals(Optional.empty(), mesh.controlPlane());
        assertEquals(MeshFlags.DEFAULT_ROOT_CERT, mesh.rootCert());
        assertEquals(MeshFlags.DEFAULT_TOKEN_FILE, mesh.tokenFile());
    }

    @Test
    void badValuesNameTheFlagAndTheValue() {
        for (var bad : List.of("istiod", "istiod:", ":15012", "istiod:0", "istiod:70000", "istiod:15012x", "fd00::12:15012", "a b:1")) {
            var e = assertThrows(UsageException.class, () -> parse("--control-plane", bad), bad);
            assertTrue(e.getMessage().contains("--control-plane") && e.getMessage().contains(bad), e.getMessage());
        }
        var e = assertThrows(UsageException.class, () -> parse("--root-cert", "root-cert.pem"));
        assertTrue(e.getMessage().contains("--root-cert") && e.getMessage().contains("root-cert.pem"), e.getMessage());
        e = assertThrows(UsageException.class, () -> parse("--token-file", "/var/run/secrets/tokens/"));
        assertTrue(e.getMessage().contains("--token-file"), e.getMessage());
    }
}
