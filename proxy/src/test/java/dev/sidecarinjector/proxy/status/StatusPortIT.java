package dev.sidecarinjector.proxy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sidecarinjector.api.probe.AppProbe;
import dev.sidecarinjector.proxy.run.DestinationResolver;
import dev.sidecarinjector.proxy.run.ProxySettings;
import dev.sidecarinjector.proxy.run.SidecarProxy;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status port of the real proxy: application probes run against local servers, and /quitquitquit. */
class StatusPortIT {

    private HttpServer app;
    private final AtomicInteger readiness = new AtomicInteger(200);
    private final AtomicReference<String> source = new AtomicReference<>();
    private SidecarProxy proxy;
    private final CountDownLatch quit = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        app.createContext("/ready", exchange -> {
            source.set(exchange.getRemoteAddress().getAddress().getHostAddress() + " " + exchange.getRequestHeaders().getFirst("x-probe"));
            exchange.sendResponseHeaders(readiness.get(), -1);
            exchange.close();
        });
        app.start();
        int closed;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        var probes = AppProbe.parse("""
                {"/app-health/app/readyz": {"httpGet": {"path": "/ready", "port": %d, "httpHeaders": [{"name": "x-probe", "value": "yes"}]}},
                 "/app-health/app/livez": {"tcpSocket": {"port": %d}},
                 "/app-health/app/startupz": {"tcpSocket": {"port": %d}},
                 "/app-health/db/readyz": {"grpc": {"port": %d}}}""".formatted(app.getAddress().getPort(), app.getAddress().getPort(), closed, closed));
        var settings = new ProxySettings(0, 0, 0, 0, Duration.ofSeconds(1), false, 2000, Duration.ofSeconds(30), 0, 0);
        DestinationResolver none = accepted -> {
            throw new IOException("not redirected");
        };
        proxy = new SidecarProxy(settings, none);
        proxy.statusPages(new StatusPages(probes, InetAddress.getByName("127.0.0.6"), InetAddress.getLoopbackAddress(), quit::countDown));
        proxy.start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.stop(0);
    }

    private int request(String method, String path) throws IOException {
        var connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + proxy.statusPort() + path).toURL().openConnection();
        connection.setRequestMethod(method);
        return connection.getResponseCode();
    }

    @Test
    void theApplicationsProbesAreRunByTheProxyFrom127006() throws Exception {
        assertEquals(200, request("GET", "/app-health/app/readyz"));
        assertEquals("127.0.0.6 yes", source.get(), "from the passthrough source, with the probe's headers");
        readiness.set(503);
        assertEquals(503, request("GET", "/app-health/app/readyz"), "the app's own answer is passed on");
        assertEquals(200, request("GET", "/app-health/app/livez"));
        assertEquals(500, request("GET", "/app-health/app/startupz"), "nothing listens: the probe fails");
        assertEquals(500, request("GET", "/app-health/db/readyz"), "a gRPC probe of a port nothing listens on fails");
        assertEquals(404, request("GET", "/app-health/other/readyz"));
        assertEquals(405, request("POST", "/app-health/app/readyz"));
        assertEquals(200, request("GET", "/healthz/ready"), "the proxy's own readiness is served here too");
    }

    @Test
    void quitquitquitEndsTheProxyForPostFromLocalhostOnly() throws Exception {
        assertEquals(405, request("GET", "/quitquitquit"));
        assertEquals(1, quit.getCount());
        assertEquals(200, request("POST", "/quitquitquit"));
        assertTrue(quit.await(5, TimeUnit.SECONDS));
    }
}
