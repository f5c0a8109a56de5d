package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A TCP Service port through the real proxy: VirtualService tcp routes and a consistent hash on the client's address. */
class TcpRoutesIT {

    private static final ProxySettings SETTINGS = new ProxySettings(0, 0, 0, 0, Duration.ofSeconds(1), false, 5000,
            Duration.ofSeconds(30), 0, 0);

    private static final String ROUND_ROBIN = "\"loadBalancer\": \"ROUND_ROBIN\"";
    private static final String HASHED = "\"loadBalancer\": \"MAGLEV\", \"consistentHash\": {\"source\": \"SOURCE_IP\"}";

    private final SnapshotHolder config = new SnapshotHolder();
    private final List<NamedServer> servers = new java.util.ArrayList<>();
    private SidecarProxy proxy;

    @BeforeEach
    void start() throws Exception {
        for (var name : List.of("stable", "v1", "v2")) {
            servers.add(new NamedServer(name));
        }
        var service = new InetSocketAddress(InetAddress.getByName("10.96.5.5"), 3306);
        proxy = new SidecarProxy(SETTINGS, accepted -> service, config).start();
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        for (var server : servers) {
            server.close();
        }
    }

    @Test
    void connectionsFollowTheFirstTcpRouteThatAppliesByWeight() throws Exception {
        configure("""
                [{"name": "db/mysql.tcp.0", "matches": [{"sourceNamespace": "batch"}], "destinations": [{"cluster": "stable", "weight": 100}]},
                 {"name": "db/mysql.tcp.1", "matches": [{"destinationSubnets": ["10.96.0.0/16"]}],
                  "destinations": [{"cluster": "v1", "weight": 50}, {"cluster": "v2", "weight": 50}]}]""", ROUND_ROBIN);
        var seen = count(40);
        assertEquals(40, seen.getOrDefault("v1", 0) + seen.getOrDefault("v2", 0), "never the Service's own port: " + seen);
        assertEquals(2, seen.size(), "both destinations: " + seen);

        configure("[]", ROUND_ROBIN);
        assertEquals(Map.of("stable", 10), count(10), "no tcp route: the Service's port");
    }

    @Test
    void aConsistentHashOnTheClientsAddressKeepsItsConnectionsOnOneEndpoint() throws Exception {
        configure("[]", HASHED);
        var seen = count(20);
        assertEquals(1, seen.size(), "every connection from 127.0.0.1 to one endpoint: " + seen);
    }

    /** The Service's cluster "stable" (its endpoints the stable server and, when hashed, the two others). */
    private void configure(String tcpRoutes, String balancer) {
        var stableEndpoints = balancer.equals(HASHED) ? endpoint(0) + "," + endpoint(1) + "," + endpoint(2) : endpoint(0);
        config.swap(Snapshot.fromJson("""
                {"version": "t%d", "workload": {"namespace": "shop", "name": "orders-1", "labels": {"app": "orders"}},
                 "listeners": [{"address": "10.96.5.5", "port": 3306, "protocol": "TCP", "cluster": "stable", "tcpRoutes": %s}],
                 "routeTables": [],
                 "clusters": [%s, %s, %s], "inbound": []}"""
                .formatted(System.nanoTime(), tcpRoutes, cluster("stable", balancer, stableEndpoints),
                        cluster("v1", ROUND_ROBIN, endpoint(1)), cluster("v2", ROUND_ROBIN, endpoint(2)))));
    }

    private static String cluster(String name, String balancer, String endpoints) {
        return """
                {"name": "%s", "port": 3306, "protocol": "TCP", %s, "endpoints": [%s]}""".formatted(name, balancer, endpoints);
    }

    private String endpoint(int server) {
        return "{\"address\": \"127.0.0.1\", \"port\": %d}".formatted(servers.get(server).port());
    }

    /** Opens {@code connections} connections through the proxy and counts which server answered each. */
    private Map<String, Integer> count(int connections) throws IOException {
        var seen = new HashMap<String, Integer>();
        for (var i = 0; i < connections; i++) {
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.outboundPort())) {
                socket.setSoTimeout(10_000);
                seen.merge(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII), 1, Integer::sum);
            }
        }
        return seen;
    }

    /** A TCP server that writes its name to each connection and closes it. */
    private static final class NamedServer implements AutoCloseable {
        private final ServerSocket socket;

        NamedServer(String name) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().start(() -> {
                while (!socket.isClosed()) {
                    try (var connection = socket.accept()) {
                        connection.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
