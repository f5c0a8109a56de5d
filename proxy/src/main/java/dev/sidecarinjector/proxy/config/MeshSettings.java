package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.api.net.HostPort;
import dev.sidecarinjector.api.net.InvalidListException;
import dev.sidecarinjector.api.stream.ProxyNode;
import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The {@code run} flags of the mesh: where the control plane is, how to trust it, how long readiness waits for
 * configuration, and the admin port; the proxy's identity comes from the downward API's environment, as Istio's.
 * {@code controlPlaneHost} is null without {@code --control-plane}: the proxy is then the L4 relay of before.
 */
public record MeshSettings(String controlPlaneHost, int controlPlanePort, Path rootCert, Path tokenFile, Duration configGrace,
                           int adminPort, ProxyNode node) {

    public static final String ROOT_CERT = "/var/run/secrets/istio/root-cert.pem";
    public static final String TOKEN_FILE = "/var/run/secrets/tokens/istio-token";
    public static final Set<String> FLAGS = Set.of("--control-plane", "--root-cert", "--token-file", "--config-grace-seconds",
            "--admin-port");

    public static MeshSettings from(Flags flags, Map<String, String> env) throws UsageException {
        String host = null;
        int port = 0;
        var address = flags.find("--control-plane").orElse(null);
        if (address != null && !address.isEmpty()) {
            HostPort parsed;
            try {
                parsed = HostPort.parse("--control-plane", address);
            } catch (InvalidListException e) {
                throw new UsageException(e.getMessage());
            }
            host = parsed.host();
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            port = parsed.port();
        }
        var node = new ProxyNode(env.getOrDefault("POD_NAMESPACE", "default"), env.getOrDefault("POD_NAME", hostname(env)),
                env.getOrDefault("INSTANCE_IP", ""), env.getOrDefault("SERVICE_ACCOUNT", "default"));
        return new MeshSettings(host, port, Path.of(flags.get("--root-cert", ROOT_CERT)), Path.of(flags.get("--token-file", TOKEN_FILE)),
                Duration.ofSeconds(flags.number("--config-grace-seconds", 30, 0, 86_400, "a number of seconds (0-86400)")),
                flags.number("--admin-port", dev.sidecarinjector.api.net.MeshPorts.ADMIN, 0, 65535, "a port (0-65535)"), node);
    }

    private static String hostname(Map<String, String> env) {
        var name = env.get("HOSTNAME");
        return name == null || name.isEmpty() ? "unknown" : name;
    }

    public boolean meshEnabled() {
        return controlPlaneHost != null;
    }

    /** {@code host:port} as given, for logs and the config dump. */
    public String controlPlane() {
        return HostPort.join(controlPlaneHost, controlPlanePort);
    }
}
