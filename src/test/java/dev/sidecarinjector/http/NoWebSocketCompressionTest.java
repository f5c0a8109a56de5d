package dev.sidecarinjector.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.Test;

class NoWebSocketCompressionTest {

    /** Vert.x adds the WebSocket extension handler to each connection when either kind of compression is on. */
    @Test
    void bothKindsOfWebSocketCompressionAreOffOnBothServers() {
        var defaults = new HttpServerOptions();
        assertTrue(defaults.getPerFrameWebSocketCompressionSupported() && defaults.getPerMessageWebSocketCompressionSupported(),
                "Vert.x's defaults changed: this customizer may no longer be needed");
        var customizer = new NoWebSocketCompression();
        var plain = new HttpServerOptions();
        var tls = new HttpServerOptions();
        customizer.customizeHttpServer(plain);
        customizer.customizeHttpsServer(tls);
        for (var options : new HttpServerOptions[] {plain, tls}) {
            assertFalse(options.getPerFrameWebSocketCompressionSupported());
            assertFalse(options.getPerMessageWebSocketCompressionSupported());
        }
    }
}
