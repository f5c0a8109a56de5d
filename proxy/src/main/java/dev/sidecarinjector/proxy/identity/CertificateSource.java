package dev.sidecarinjector.proxy.identity;

import dev.sidecarinjector.api.ca.CertificateResponse;
import java.util.concurrent.CompletableFuture;

/** Where certificates come from: the control plane's CA ({@link CertificateClient}), or a test's. */
public interface CertificateSource {

    /** Completes with the chain, or fails with a {@link CertificateClient.Refused} or the I/O error. */
    CompletableFuture<CertificateResponse> request(String csrPem, long validitySeconds, String token);
}
