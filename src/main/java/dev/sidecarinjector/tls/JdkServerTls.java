package dev.sidecarinjector.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK's TLS for the webhook's and the control plane's servers, as Vert.x's default engine options give it, with
 * Netty's context made from a {@link SSLContext} of ours. Vert.x builds it through Netty's {@code SslContextBuilder},
 * whose server context checks once per JVM, at the first connection, whether it may wrap trust managers by parsing a
 * key with Bouncy Castle when Bouncy Castle is on the class path (it is, for the CA): that registers Bouncy Castle's
 * whole JCA provider, about 600 classes and a second on one CPU, which the first request (kubelet's readiness probe,
 * or an API server's review) waited for. Same protocols, cipher suites (the JDK's defaults unless configured), ALPN
 * and client authentication as Vert.x's default; the trust managers are used as they are, unwrapped.
 */
public final class JdkServerTls extends JdkSSLEngineOptions {

    public JdkServerTls() {
    }

    private JdkServerTls(JdkServerTls other) {
        super(other);
    }

    @Override
    public JdkServerTls copy() {
        return new JdkServerTls(this);
    }

    @Override
    public SslContextFactory sslContextFactory() {
        return new Factory();
    }

    /** One context, configured by Vert.x through the setters, then made by {@link #create()}. */
    static final class Factory implements SslContextFactory {

        private boolean useAlpn;
        private boolean forClient;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private KeyManagerFactory keyManagers;
        private TrustManagerFactory trustManagers;
        private Set<String> cipherSuites;
        private List<String> applicationProtocols;

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
            SSLContext context;
            try {
                context = SSLContext.getInstance("TLS");
                // No trust managers configured is no trust: the JDK's default would load its store of public CAs (about
                // 45 ms in the interpreter, at the first connection) and accept client certificates any of them issued.
                context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
                        trustManagers == null ? new TrustManager[0] : trustManagers.getTrustManagers(), null);
            } catch (GeneralSecurityException e) {
                throw new SSLException("cannot make the TLS context: " + e.getMessage(), e);
            }
            Iterable<String> suites = cipherSuites == null || cipherSuites.isEmpty()
                    ? List.of(context.getDefaultSSLParameters().getCipherSuites()) : cipherSuites;
            var alpn = useAlpn && applicationProtocols != null && !applicationProtocols.isEmpty()
                    ? new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.FATAL_ALERT, applicationProtocols)
                    : ApplicationProtocolConfig.DISABLED;
            return new JdkSslContext(context, forClient, suites, IdentityCipherSuiteFilter.INSTANCE, alpn, clientAuth, null, false);
        }
    }
}
