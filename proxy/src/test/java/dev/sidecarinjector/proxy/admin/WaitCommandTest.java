package dev.sidecarinjector.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitCommandTest {
    @Test
    void exitsOneWhenNothingAnswersBeforeTheTimeout() throws Exception {
        int freePort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }
        assertEquals(1, WaitCommand.run(List.of("--health-port", Integer.toString(freePort), "--timeout-seconds=0")));
    }
}
