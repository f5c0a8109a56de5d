package dev.sidecarinjector.http;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The webhook's server answers JSON over HTTP/1.1 and has no WebSocket route, so Vert.x's WebSocket compression
 * (per-frame and per-message deflate, on by default) is turned off: with either on, Vert.x puts Netty's WebSocket
 * extension handler in every connection's pipeline, which every read and write of every review passes through.
 * The mesh stream's WebSockets (port 15012) are served by a server of their own.
 */
@ApplicationScoped
public class NoWebSocketCompression implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        off(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        off(options);
    }

    private static void off(HttpServerOptions options) {
        options.setPerFrameWebSocketCompressionSupported(false).setPerMessageWebSocketCompressionSupported(false);
    }
}
