package dev.sidecarinjector.tls;

import dev.sidecarinjector.api.text.RootCause;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS of the webhook's and the control plane's servers: BoringSSL through netty-tcnative ({@link Implementation#BORINGSSL},
 * where its library loads) or the JDK's, with the protocols, cipher suites (each implementation's defaults unless
 * configured), ALPN and client authentication Vert.x configures. Both contexts are made here rather than by Vert.x's
 * defaults for two reasons. The JDK's: Netty's {@code SslContextBuilder} server context checks once per JVM, at the
 * first connection, whether it may wrap trust managers by parsing a key with Bouncy Castle when Bouncy Castle is on the
 * class path (it is, for the CA), which registers Bouncy Castle's whole JCA provider, about 600 classes and a second on
 * one CPU; here the context is Netty's wrapper around an {@link SSLContext} of ours, the trust managers used unwrapped.
 * Both: no trust configured is no trust, where the defaults would load the JDK's store of public CAs and accept client
 * certificates any of them issued.
 */
public final class ServerTls extends SSLEngineOptions {

    /** A TLS implementation the servers can use. */
    public enum Implementation {
        /** BoringSSL through netty-tcnative: 7.6 % less CPU per review than the JDK's, side by side (docs/benchmarks.md). */
        BORINGSSL,
        JDK
    }

    private final Implementation implementation;

    /** Contexts of {@code implementation}, which must be available ({@link #available}). */
    public ServerTls(Implementation implementation) {
        this.implementation = implementation;
    }

    private ServerTls(ServerTls other) {
        super(other);
        this.implementation = other.implementation;
    }

    /**
     * The implementation that serves when {@code requested} is asked for: BoringSSL falls back to the JDK's where its
     * library does not load (a platform it has no build for, or a temporary directory it cannot load from).
     */
    public static Implementation available(Implementation requested) {
        return requested == Implementation.BORINGSSL && !OpenSsl.isAvailable() ? Implementation.JDK : requested;
    }

    /** What {@link #available} chose and why, for the start-up log: {@code "BoringSSL (netty-tcnative)"}. */
    public static String describe(Implementation requested) {
        if (requested == Implementation.JDK) {
            return "the JDK's (injector.tls.implementation=jdk)";
        }
        if (OpenSsl.isAvailable()) {
            return OpenSsl.versionString() + " (netty-tcnative)";
        }
        var cause = OpenSsl.unavailabilityCause();
        return "the JDK's (BoringSSL did not load: " + (cause == null ? "unknown" : RootCause.described(cause)) + ")";
    }

    public Implementation implementation() {
        return implementation;
    }

    @Override
    public ServerTls copy() {
        return new ServerTls(this);
    }

    @Override
    public SslContextFactory sslContextFactory() {
        return new Factory(implementation);
    }

    /** One context, configured by Vert.x through the setters, then made by {@link #create()}. */
    static final class Factory implements SslContextFactory {

        private final Implementation implementation;
        private boolean useAlpn;
        private boolean forClient;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private KeyManagerFactory keyManagers;
        private TrustManagerFactory trustManagers;
        private Set<String> cipherSuites;
        private List<String> applicationProtocols;

        Factory(Implementation implementation) {
            this.implementation = implementation;
        }

        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
            this.useAlpn = useAlpn;
            return this;
        }

        @Override
        public SslContextFactory clientAuth(ClientAuth clientAuth) {
            this.clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
            return this;
        }

        @Override
        public SslContextFactory forClient(boolean forClient) {
            this.forClient = forClient;
            return this;
        }

        @Override
        public SslContextFactory keyMananagerFactory(KeyManagerFactory factory) {
            this.keyManagers = factory;
            return this;
        }

        @Override
        public SslContextFactory trustManagerFactory(TrustManagerFactory factory) {
            this.trustManagers = factory;
            return this;
        }

        @Override
        public SslContextFactory enabledCipherSuites(Set<String> cipherSuites) {
            this.cipherSuites = cipherSuites;
            return this;
        }

        @Override
        public SslContextFactory applicationProtocols(List<String> protocols) {
            this.applicationProtocols = protocols;
            return this;
        }

        @Override
        public SslContext create() throws SSLException {
            return implementation == Implementation.BORINGSSL && !forClient ? boringSsl() : jdk();
        }

        private boolean alpn() {
            return useAlpn && applicationProtocols != null && !applicationProtocols.isEmpty();
        }

        private SslContext jdk() throws SSLException {
            SSLContext context;
            try {
                context = SSLContext.getInstance("TLS");
                // The JDK's default trust would load its store of public CAs (about 45 ms in the interpreter, at the first
                // connection).
                context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
                        trustManagers == null ? new TrustManager[0] : trustManagers.getTrustManagers(), null);
            } catch (GeneralSecurityException e) {
                throw new SSLException("cannot make the TLS context: " + e.getMessage(), e);
            }
            Iterable<String> suites = cipherSuites == null || cipherSuites.isEmpty()
                    ? List.of(context.getDefaultSSLParameters().getCipherSuites()) : cipherSuites;
            var alpn = alpn()
                    ? new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.FATAL_ALERT, applicationProtocols)
                    : ApplicationProtocolConfig.DISABLED;
            return new JdkSslContext(context, forClient, suites, IdentityCipherSuiteFilter.INSTANCE, alpn, clientAuth, null, false);
        }

        /** Trust managers of an empty store, which trust no certificate. */
        private static TrustManagerFactory noTrust() throws SSLException {
            try {
                var store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                return factory;
            } catch (GeneralSecurityException | IOException e) {
                throw new SSLException("cannot make the empty trust: " + e.getMessage(), e);
            }
        }

        /**
         * BoringSSL's context; the key manager is asked for the certificate at every handshake, so a rotation
         * ({@link ServingKeyManager}) applies as with the JDK's. BoringSSL's ALPN cannot refuse a handshake whose
         * client offers none of the protocols: it then advertises none (as Vert.x's own OpenSSL contexts do).
         */
        private SslContext boringSsl() throws SSLException {
            var builder = SslContextBuilder.forServer(keyManagers).sslProvider(SslProvider.OPENSSL).clientAuth(clientAuth)
                    .ciphers(cipherSuites == null || cipherSuites.isEmpty() ? null : cipherSuites);
            builder.trustManager(trustManagers != null ? trustManagers : noTrust());
            if (alpn()) {
                builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, applicationProtocols));
            }
            return builder.build();
        }
    }
}
