package dev.sidecarinjector.ca;

import dev.sidecarinjector.config.MeshConfig;
import dev.sidecarinjector.inject.ControlPlaneAddress;
import dev.sidecarinjector.mesh.source.MeshSourceProducer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import javax.net.ssl.X509KeyManager;
import org.jboss.logging.Logger;

/**
 * Starts the CA before the control plane's port opens, from the rule of injector.mesh.source: with the cluster, the
 * Secrets of its namespace and TokenReview; with a directory, the plug-in or CA directory and the JWKS file. A root
 * that cannot be read or made stops the application with the reason, naming the file or Secret key.
 */
@ApplicationScoped
public class ControlPlaneCa {

    private static final Logger LOG = Logger.getLogger(ControlPlaneCa.class);
    /** Transient API errors at start (the API server restarting) are retried this many times, doubling from 1 s. */
    static final int SECRET_ATTEMPTS = 6;

    private final CaConfig config;
    private final MeshConfig mesh;
    private final Instance<KubernetesClient> client;
    private volatile CertificateAuthority authority;
    private volatile ServerCertificate server;
    private volatile SigningBundle bundle;
    private volatile Path rootCertFile;

    public ControlPlaneCa(CaConfig config, MeshConfig mesh, Instance<KubernetesClient> client) {
        this.config = config;
        this.mesh = mesh;
        this.client = client;
    }

    // Before the stream server and the root certificate publisher, which read what this sets (they observe at 2500).
    void start(@Observes @Priority(1000) StartupEvent startup) {
        if (!config.enabled()) {
            LOG.info("CA: off (injector.ca.enabled=false): the control plane's port uses the serving certificate");
            return;
        }
        try {
            check();
            var inCluster = MeshSourceProducer.effectiveSource(mesh.source()) == MeshConfig.Source.KUBERNETES;
            bundle = inCluster ? fromSecrets() : fromDirectory();
            var issuer = new CertificateIssuer(bundle, Clock.systemUTC());
            var authenticator = authenticator(inCluster);
            authority = new CertificateAuthority(issuer, authenticator, config.trustDomain(), config.workloadCertTtl(), config.maxWorkloadCertTtl());
            server = new ServerCertificate(issuer, serverNames(), config.serverCertTtl()).start();
            LOG.infof("CA: signing with %s (%s), root %s valid until %s; tokens: %s", bundle.origin(),
                    bundle.signer().getSubjectX500Principal().getName(), bundle.root().getSubjectX500Principal().getName(),
                    bundle.root().getNotAfter().toInstant(), authenticator.describe());
        } catch (CaSetupException e) {
            throw new IllegalStateException("the mesh CA cannot start: " + e.getMessage(), e);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (server != null) {
            server.close();
        }
    }

    /** The CA, once started; empty when it is off. */
    public Optional<CertificateAuthority> authority() {
        return Optional.ofNullable(authority);
    }

    /** The key manager of the control plane's port (its own certificate); empty when the CA is off. */
    public Optional<X509KeyManager> serverKeys() {
        return Optional.ofNullable(server).map(ServerCertificate::keyManager);
    }

    /** The root certificate(s) proxies trust, as published in istio-ca-root-cert; empty when the CA is off. */
    public Optional<String> rootPem() {
        return Optional.ofNullable(bundle).map(SigningBundle::rootPem);
    }

    /** Where the root came from, for the publisher's log line. */
    public String rootOrigin() {
        return rootCertFile != null ? rootCertFile.toString() : bundle == null ? "" : bundle.origin();
    }

    private SigningBundle fromSecrets() throws CaSetupException {
        var kubernetes = client.get();
        var namespace = config.secretNamespace().filter(ns -> !ns.isBlank()).orElse(kubernetes.getNamespace());
        if (namespace == null || namespace.isBlank()) {
            throw new CaSetupException("injector.ca.secret-namespace: empty, and the pod's namespace is unknown: set it to the control plane's namespace");
        }
        var secrets = new CaSecrets(kubernetes, namespace);
        for (var attempt = 1; ; attempt++) {
            try {
                return secrets.load(config.trustDomain(), config.selfSignedRootTtl(), Clock.systemUTC().instant());
            } catch (CaSetupException e) {
                if (attempt >= SECRET_ATTEMPTS || !(e.getCause() instanceof KubernetesClientException api) || !retryable(api)) {
                    throw e;
                }
                var delay = Duration.ofSeconds(1L << (attempt - 1));
                LOG.warnf("CA: %s; trying again in %s", e.getMessage(), delay);
                sleep(delay);
            }
        }
    }

    private SigningBundle fromDirectory() throws CaSetupException {
        var loaded = CaDirectory.load(Optional.of(Path.of(config.pluginDirectory())), Path.of(config.directory()), config.trustDomain(),
                config.selfSignedRootTtl(), Clock.systemUTC().instant());
        rootCertFile = loaded.rootCertFile().toAbsolutePath();
        return loaded.bundle();
    }

    private TokenAuthenticator authenticator(boolean inCluster) throws CaSetupException {
        var jwt = config.jwt();
        if (jwt.jwksFile().isPresent()) {
            return new JwksAuthenticator(Path.of(jwt.jwksFile().get()), jwt.issuer().orElseThrow(), jwt.audience(), jwt.clockSkew(), Clock.systemUTC());
        }
        if (inCluster) {
            return new TokenReviewAuthenticator(client.get(), jwt.audience());
        }
        LOG.warn("CA: no way to check tokens with no cluster: POST /v1/certificate answers 503 until injector.ca.jwt.issuer and "
                + "injector.ca.jwt.jwks-file are set (docs/ca.md)");
        return new TokenAuthenticator() {
            @Override
            public ServiceAccount authenticate(String token) throws Unavailable {
                throw new Unavailable("no token authenticator: with no cluster, set injector.ca.jwt.issuer and injector.ca.jwt.jwks-file", null);
            }

            @Override
            public String describe() {
                return "none (no cluster and no injector.ca.jwt.jwks-file: every request is refused with 503)";
            }
        };
    }

    /** The configured names and the host proxies are told to dial, without duplicates. */
    private java.util.List<String> serverNames() {
        var names = new LinkedHashSet<String>();
        config.serverNames().stream().map(String::strip).filter(name -> !name.isEmpty()).forEach(names::add);
        mesh.controlPlaneAddress().filter(address -> !address.isBlank()).ifPresent(address -> {
            var host = ControlPlaneAddress.parse("injector.mesh.control-plane-address", address).host();
            names.add(host.replaceAll("^\\[|]$|\\.$", ""));
        });
        return java.util.List.copyOf(names);
    }

    private void check() throws CaSetupException {
        if (!dev.sidecarinjector.api.ca.SpiffeId.validTrustDomain(config.trustDomain())) {
            throw new CaSetupException("injector.ca.trust-domain: \"" + config.trustDomain() + "\" is not a SPIFFE trust domain "
                    + "(lowercase letters, digits, '.', '-', '_')");
        }
        positive("injector.ca.workload-cert-ttl", config.workloadCertTtl());
        positive("injector.ca.max-workload-cert-ttl", config.maxWorkloadCertTtl());
        positive("injector.ca.self-signed-root-ttl", config.selfSignedRootTtl());
        endsInTime("injector.ca.self-signed-root-ttl", config.selfSignedRootTtl(), Instant.now());
        positive("injector.ca.server-cert-ttl", config.serverCertTtl());
        if (config.workloadCertTtl().compareTo(config.maxWorkloadCertTtl()) > 0) {
            throw new CaSetupException("injector.ca.workload-cert-ttl: " + config.workloadCertTtl() + " is above injector.ca.max-workload-cert-ttl ("
                    + config.maxWorkloadCertTtl() + ")");
        }
        var jwt = config.jwt();
        if (jwt.jwksFile().isPresent() != jwt.issuer().isPresent()) {
            throw new CaSetupException("injector.ca.jwt.issuer and injector.ca.jwt.jwks-file go together: " + (jwt.jwksFile().isPresent()
                    ? "the JWKS file is set, the issuer is not" : "the issuer is set, the JWKS file is not"));
        }
        if (jwt.clockSkew().isNegative() || jwt.clockSkew().compareTo(Duration.ofMinutes(10)) > 0) {
            throw new CaSetupException("injector.ca.jwt.clock-skew: " + jwt.clockSkew() + " is not between 0 and 10 minutes");
        }
    }

    private static void positive(String property, Duration value) throws CaSetupException {
        if (value.isNegative() || value.isZero()) {
            throw new CaSetupException(property + ": " + value + " is not a positive duration");
        }
    }

    /** A lifetime from now that a certificate can hold: GeneralizedTime ends with the year 9999. */
    static void endsInTime(String property, Duration value, Instant now) throws CaSetupException {
        if (value.compareTo(Duration.between(now, CertificateTime.LAST)) > 0) {
            throw new CaSetupException(property + ": " + value + " is too long: a certificate's validity ends by " + CertificateTime.LAST);
        }
    }

    private static boolean retryable(KubernetesClientException e) {
        return e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500;
    }

    private static void sleep(Duration delay) throws CaSetupException {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaSetupException("interrupted while waiting for the API server", e);
        }
    }
}
