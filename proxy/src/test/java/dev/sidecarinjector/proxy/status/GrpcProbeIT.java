package dev.sidecarinjector.proxy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.probe.AppProbe;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status port's gRPC probes against grpc-java's own health service, as kubelet's probe would call it. */
class GrpcProbeIT {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final HealthStatusManager health = new HealthStatusManager();
    private final AtomicReference<String> caller = new AtomicReference<>();
    private Server server;
    private Server bare;
    private ProbeRunner runner;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(LOOPBACK, 0))
                .addService(ServerInterceptors.intercept(health.getHealthService(), new Caller()))
                .build().start();
        bare = NettyServerBuilder.forAddress(new InetSocketAddress(LOOPBACK, 0)).build().start();
        runner = new ProbeRunner(InetAddress.getByName("127.0.0.6"), LOOPBACK);
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
        bare.shutdownNow();
    }

    private ProbeRunner.Result probe(int port, String service) {
        return runner.run(AppProbe.grpc(port, service, 2));
    }

    @Test
    void servingIs200AndAnythingElseIs500WithKubeletsReason() {
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus("orders", ServingStatus.NOT_SERVING);
        assertEquals(new ProbeRunner.Result(200, "service healthy"), probe(server.getPort(), ""));
        assertEquals("127.0.0.6 kube-probe/1.33", caller.get(), "from the passthrough source, as kubelet's probe");
        assertEquals(new ProbeRunner.Result(500, "service unhealthy (responded with \"NOT_SERVING\")"), probe(server.getPort(), "orders"));
        health.setStatus("orders", ServingStatus.SERVING);
        assertEquals(200, probe(server.getPort(), "orders").status(), "the application's current answer, every time");
        health.enterTerminalState();
        assertEquals(new ProbeRunner.Result(500, "service unhealthy (responded with \"NOT_SERVING\")"), probe(server.getPort(), ""));
    }

    @Test
    void anUnknownServiceAndAServerWithoutTheHealthServiceFail() {
        var unknown = probe(server.getPort(), "payments");
        assertEquals(500, unknown.status());
        assertEquals("error: health rpc probe failed: grpc-status 5: unknown service payments", unknown.reason());
        var unimplemented = probe(bare.getPort(), "");
        assertEquals(500, unimplemented.status());
        assertTrue(unimplemented.reason().startsWith("this server does not implement the grpc health protocol (grpc.health.v1.Health)"),
                unimplemented.reason());
    }

    @Test
    void nothingListeningAnHttp1ServerAndASilentOneFailWithinTheTimeout() throws Exception {
        int closed;
        try (var socket = new ServerSocket(0, 1, LOOPBACK)) {
            closed = socket.getLocalPort();
        }
        var refused = probe(closed, "");
        assertEquals(500, refused.status());
        assertTrue(refused.reason().startsWith("probe of port " + closed + " failed: "), refused.reason());

        var http1 = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 10);
        http1.start();
        try {
            // Every time, not only when the server reads the whole request before it answers and closes (one in four
            // probes read a broken pipe here while the request went out in several writes).
            for (int i = 0; i < 20; i++) {
                var answer = probe(http1.getAddress().getPort(), "");
                assertEquals(500, answer.status(), answer.reason());
                assertTrue(answer.reason().startsWith("error: health rpc probe failed: not an HTTP/2 answer ("), answer.reason());
            }
        } finally {
            http1.stop(0);
        }

        try (var silent = new ServerSocket(0, 10, LOOPBACK)) {
            var started = System.nanoTime();
            var answer = runner.run(AppProbe.grpc(silent.getLocalPort(), "", 1));
            assertEquals(new ProbeRunner.Result(500, "timeout: health rpc did not complete within 1000ms"), answer);
            assertTrue(System.nanoTime() - started < 5_000_000_000L, "bounded by the probe's timeout");
        }
    }

    /** Who called: the peer's address and user agent. */
    private final class Caller implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            var remote = (InetSocketAddress) call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            var agent = headers.get(Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER));
            caller.set(remote.getAddress().getHostAddress() + " " + agent);
            return next.startCall(call, headers);
        }
    }
}
