package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.Port;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code run} flags that link the proxy to the control plane, as the webhook renders them. Accepted and
 * validated so the injected command line is checked today; the config client that acts on them comes with
 * the control plane, and until then the proxy says so once and stays the L4 relay.
 */
public record MeshFlags(Optional<String> controlPlane, String rootCert, String tokenFile) {

    public static final Set<String> FLAGS = Set.of("--control-plane", "--root-cert", "--token-file");
    /** Istio's paths, where the injected volumes put the files. */
    public static final String DEFAULT_ROOT_CERT = "/var/run/secrets/istio/root-cert.pem";
    public static final String DEFAULT_TOKEN_FILE = "/var/run/secrets/tokens/istio-token";

    public static MeshFlags from(Flags flags) throws UsageException {
        var controlPlane = flags.find("--control-plane");
        if (controlPlane.isPresent()) {
            hostPort(controlPlane.get());
        }
        return new MeshFlags(controlPlane,
                path(flags, "--root-cert", DEFAULT_ROOT_CERT),
                path(flags, "--token-file", DEFAULT_TOKEN_FILE));
    }

    /** HOST:PORT, the host a DNS name, an IPv4 address or a bracketed IPv6 address. */
    private static void hostPort(String value) throws UsageException {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
        if (host.isEmpty() || (!bracketed && (host.contains(":") || host.contains("[") || host.contains("]")))
                || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
            throw UsageException.badValue("--control-plane", value, "HOST:PORT");
        }
        try {
            Port.parse("--control-plane", value.substring(colon + 1));
        } catch (UsageException e) {
            throw UsageException.badValue("--control-plane", value, "HOST:PORT (a port 1-65535)");
        }
    }

    /** A file the kubelet mounts: an absolute path (it need not exist yet; the mount may lag the start). */
    private static String path(Flags flags, String name, String fallback) throws UsageException {
        String value = flags.get(name, fallback);
        if (!value.startsWith("/") || value.endsWith("/") || value.chars().anyMatch(c -> c < ' ')) {
            throw UsageException.badValue(name, value, "an absolute file path");
        }
        return value;
    }
}
