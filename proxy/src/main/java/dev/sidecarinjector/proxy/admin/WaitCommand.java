package dev.sidecarinjector.proxy.admin;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * {@code sidecar-proxy wait}: blocks until the local proxy is ready. A postStart hook on the proxy
 * container runs it, so the kubelet starts the app containers only once their traffic can flow.
 */
public final class WaitCommand {
    private static final long POLL_MILLIS = 200;

    private WaitCommand() {
    }

    public static int run(List<String> args) throws UsageException {
        Flags flags = Flags.parse(args, Set.of("--health-port", "--timeout-seconds"), Set.of());
        int port = flags.port("--health-port", dev.sidecarinjector.api.net.MeshPorts.HEALTH);
        int timeoutSeconds = flags.number("--timeout-seconds", 60, 0, 86_400, "a number of seconds (0-86400)");
        URI ready = URI.create("http://127.0.0.1:%d/healthz/ready".formatted(port));
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String last = "no answer yet";
        while (true) {
            try {
                int status = status(ready);
                if (status == 200) {
                    System.err.println("wait: proxy ready");
                    return 0;
                }
                last = "HTTP " + status;
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() >= deadline) {
                System.err.printf("wait: proxy not ready after %ds (%s: %s)%n", timeoutSeconds, ready, last);
                return 1;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    private static int status(URI uri) throws IOException {
        var connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(1000);
        connection.setReadTimeout(1000);
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }
}
