package dev.sidecarinjector.proxy.identity;

import dev.sidecarinjector.proxy.admin.Readiness;
import dev.sidecarinjector.api.ca.CertificateResponse;
import dev.sidecarinjector.proxy.config.Backoff;
import dev.sidecarinjector.proxy.config.ConfigClient;
import dev.sidecarinjector.proxy.run.EventLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Keeps the proxy's workload certificate: at start a new key and a request to the CA with the pod's token; then a
 * new key and certificate at about half of each certificate's lifetime (between 40 % and 50 %, drawn per proxy, so
 * a fleet does not renew at one instant; the lifetime counted from when it came), Istio's rotation. A certificate in force stays until its successor is
 * installed, so connections never go without one. Failures are retried with back-off; a control plane without a CA
 * (404) is asked again every minute and the proxy runs without a certificate meanwhile, as it says once.
 */
public final class IdentityManager implements Readiness.Gate {

    /** Rotation at this share of the lifetime, minus a jitter of up to {@link #JITTER}. */
    static final double ROTATE_AT = 0.5;
    static final double JITTER = 0.1;
    private static final long NO_CA_RETRY_MILLIS = TimeUnit.MINUTES.toMillis(1);

    private final CertificateSource client;
    private final Path tokenFile;
    private final long validitySeconds;
    private final ConfigClient.Scheduler scheduler;
    private final Backoff backoff;
    private final DoubleSupplier random;
    private final IdentityHolder holder;
    private volatile boolean closed;
    private volatile boolean noCa;
    private final long started = System.nanoTime();
    private final Duration grace;
    private boolean noCaLogged;
    private String lastFailure = "";

    public IdentityManager(CertificateSource client, Path tokenFile, Duration validity, Duration grace, ConfigClient.Scheduler scheduler,
                           Backoff backoff, DoubleSupplier random, IdentityHolder holder) {
        this.client = client;
        this.grace = grace;
        this.tokenFile = tokenFile;
        this.validitySeconds = validity.toSeconds();
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.random = random;
        this.holder = holder;
    }

    public IdentityHolder holder() {
        return holder;
    }

    /**
     * Readiness waits for the first certificate, as Istio's proxy waits for its first SDS secret; not when the control
     * plane has no CA, and not past the grace (the proxy then serves in plaintext, and says so).
     */
    @Override
    public boolean ready() {
        return holder.current() != null || noCa || System.nanoTime() - started >= grace.toNanos();
    }

    @Override
    public String describe() {
        return holder.current() != null ? "has its workload certificate"
                : "waiting for the first workload certificate" + (lastFailure.isEmpty() ? "" : " (" + lastFailure + ")");
    }

    public void start() {
        scheduler.execute(new Renew(this));
    }

    public void close() {
        closed = true;
    }

    /** On the config thread: one request; blocks on it (a few milliseconds), which that thread can afford. */
    void renew() {
        if (closed) {
            return;
        }
        try {
            var key = Csr.newKey();
            var token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
            if (token.isEmpty()) {
                throw new IOException("token file " + tokenFile + " is empty");
            }
            CertificateResponse response = client.request(Csr.pem(key), validitySeconds, token).get(30, TimeUnit.SECONDS);
            install(key, response);
        } catch (ExecutionException e) {
            failed(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            failed(new IOException("the CA did not answer within 30 s"));
        } catch (IOException | GeneralSecurityException e) {
            failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void install(KeyPair key, CertificateResponse response) throws GeneralSecurityException {
        var certificate = WorkloadCertificate.of(key.getPrivate(), response.certChain());
        var first = holder.current() == null;
        holder.install(certificate);
        backoff.reset();
        noCa = false;
        noCaLogged = false;
        lastFailure = "";
        // The lifetime runs from when the certificate came, as Istio's secret cache counts it, not from its not-before,
        // which the CA puts two minutes back for clock skew: a 10 s certificate is renewed after about 5 s, not at once.
        var received = Instant.now();
        var from = certificate.notBefore().isAfter(received) ? certificate.notBefore() : received;
        var lifetime = Duration.between(from, certificate.notAfter());
        var share = ROTATE_AT - JITTER * random.getAsDouble();
        var renewAt = from.plusMillis((long) (lifetime.toMillis() * share));
        var delay = Math.max(1_000, Duration.between(received, renewAt).toMillis());
        EventLog.info("identity: " + (first ? "certificate" : "new certificate") + " for " + certificate.identity() + ", serial "
                + certificate.leaf().getSerialNumber().toString(16) + ", valid until " + certificate.notAfter() + "; renewed in "
                + String.format(Locale.ROOT, "%.1fs", delay / 1000.0));
        scheduler.schedule(new Renew(this), delay);
    }

    private void failed(Throwable cause) {
        if (cause instanceof CertificateClient.Refused refused && refused.status() == 404) {
            noCa = true;
            if (!noCaLogged) {
                EventLog.info("identity: the control plane has no CA (" + refused.getMessage() + "); running without a workload "
                        + "certificate, asking again every minute");
                noCaLogged = true;
            }
            scheduler.schedule(new Renew(this), NO_CA_RETRY_MILLIS);
            return;
        }
        var reason = String.valueOf(cause.getMessage());
        var delay = backoff.next();
        if (!reason.equals(lastFailure)) {
            // Once per distinct reason: a CA that is down for a while is not a log line every few seconds.
            EventLog.info("identity: no certificate yet (" + reason + "); retrying"
                    + (holder.current() == null ? "" : ", the current one stays in force until " + holder.current().notAfter()));
            lastFailure = reason;
        }
        scheduler.schedule(new Renew(this), delay);
    }

    private record Renew(IdentityManager manager) implements Runnable {
        @Override
        public void run() {
            manager.renew();
        }
    }
}
