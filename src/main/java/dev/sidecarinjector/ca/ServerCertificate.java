package dev.sidecarinjector.ca;

import dev.sidecarinjector.tls.ServingKeyManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.jboss.logging.Logger;

/**
 * The control plane's own certificate on port 15012, issued by its CA (as istiod certifies itself): a fresh P-256
 * key, the names proxies dial, renewed after two thirds of its lifetime. Served through a {@link ServingKeyManager}
 * of its own, so a renewal is taken by the next handshake and never swaps the server's SSL options.
 */
public final class ServerCertificate implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServerCertificate.class);
    private static final char[] PASSWORD = "control-plane".toCharArray();
    static final Duration RETRY = Duration.ofMinutes(1);

    private final CertificateIssuer issuer;
    private final List<String> names;
    private final Duration lifetime;
    private final ServingKeyManager keys = new ServingKeyManager();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("control-plane-certificate").factory());
    private volatile X509Certificate current;

    public ServerCertificate(CertificateIssuer issuer, List<String> names, Duration lifetime) {
        this.issuer = issuer;
        this.names = List.copyOf(names);
        this.lifetime = lifetime;
    }

    /** Issues the first certificate (an error stops the start) and schedules its renewals. */
    public ServerCertificate start() {
        schedule(renew());
        return this;
    }

    /** The key manager 15012 is built with. */
    public ServingKeyManager keyManager() {
        return keys;
    }

    public X509Certificate certificate() {
        return current;
    }

    /** Issues a new certificate and serves it from the next handshake; returns when to renew it. */
    Instant renew() {
        try {
            var pair = SelfSignedRoot.ecKeyPair();
            var chain = issuer.server(SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()), names, lifetime);
            // The root stays out of what is sent: the client holds it (istio-ca-root-cert) and anchors on it.
            var sent = chain.subList(0, chain.size() - 1).toArray(X509Certificate[]::new);
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("control-plane", pair.getPrivate(), PASSWORD, sent);
            var factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, PASSWORD);
            keys.use(ServingKeyManager.x509(factory));
            current = sent[0];
            var notBefore = current.getNotBefore().toInstant().plus(CertificateIssuer.CLOCK_SKEW);
            var notAfter = current.getNotAfter().toInstant();
            LOG.infof("control plane certificate for %s issued by %s, valid until %s", names, issuer.bundle().origin(), notAfter);
            // Two thirds of the way, in milliseconds: Duration's own multiply and divide go through BigDecimal (at start, interpreted).
            return notBefore.plusMillis(Duration.between(notBefore, notAfter).toMillis() * 2 / 3);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot make the control plane's certificate: " + e.getMessage(), e);
        }
    }

    private void schedule(Instant at) {
        var delay = Math.max(0, Duration.between(Instant.now(), at).toMillis());
        timer.schedule(() -> {
            try {
                schedule(renew());
            } catch (RuntimeException e) {
                LOG.errorf("control plane certificate renewal failed: %s; the current one (valid until %s) stays, retrying in %s",
                        e.getMessage(), current == null ? "-" : current.getNotAfter().toInstant(), RETRY);
                schedule(Instant.now().plus(RETRY));
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
