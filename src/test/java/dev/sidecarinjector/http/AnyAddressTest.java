package dev.sidecarinjector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.LaunchMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnyAddressTest {

    @Test
    void inProductionQuarkusHttpHostDefaultsToEveryAddressAtTheLowestOrdinal() {
        var source = new AnyAddress(() -> LaunchMode.NORMAL, () -> "::");

        assertEquals("::", source.getValue("quarkus.http.host"));
        assertEquals(Map.of("quarkus.http.host", "::"), source.getProperties());
        assertEquals(Set.of("quarkus.http.host"), source.getPropertyNames());
        assertNull(source.getValue("quarkus.http.port"));
        assertTrue(source.getOrdinal() < 250, "application.properties, the environment and -D win");
    }

    @Test
    void devAndTestModesKeepQuarkusLocalhost() {
        for (var mode : new LaunchMode[] {LaunchMode.DEVELOPMENT, LaunchMode.TEST}) {
            var source = new AnyAddress(() -> mode, () -> "::");

            assertNull(source.getValue("quarkus.http.host"), mode.name());
            assertEquals(Set.of(), source.getPropertyNames());
            assertEquals(Map.of(), source.getProperties());
        }
    }

    /** This machine has IPv6: {@code ::} is the answer, and a listener there takes both families. */
    @Test
    void everyAddressOnThisMachineTakesIpv4AndIpv6() throws IOException {
        String any = AnyAddress.get();
        assertEquals(AnyAddress.IPV6_ANY, any);
        try (var listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(any, 0));
            for (String client : new String[] {"127.0.0.1", "::1"}) {
                try (var socket = new Socket(InetAddress.getByName(client), listener.getLocalPort())) {
                    assertTrue(socket.isConnected(), client);
                }
            }
        }
    }
}
