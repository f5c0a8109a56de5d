package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.proxy.tls.TlsProvider;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** TLS to the control plane (15012): trusting only the root certificate, with host name verification. */
public final class ControlPlaneTls {

    private ControlPlaneTls() {
    }

    public static SslContext client(Path rootCert) throws IOException {
        if (!Files.isReadable(rootCert)) {
            throw new IOException("--root-cert " + rootCert + ": not a readable file");
        }
        try {
            return SslContextBuilder.forClient().sslProvider(TlsProvider.get()).trustManager(rootCert.toFile()).endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("--root-cert " + rootCert + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }
}
