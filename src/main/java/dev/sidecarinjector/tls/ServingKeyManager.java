package dev.sidecarinjector.tls;

import jakarta.inject.Singleton;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * The key manager the HTTPS servers (the webhook's 8443 and the mesh stream's 15012) are built with, once: each handshake asks it for the key pair in force, so a
 * rotation swaps what it returns instead of the server's SSL context (Vert.x 4.5 refuses connections accepted
 * while it swaps one). Aliases carry a generation, so a handshake that chose its alias before a swap still gets
 * that generation's key and certificate, never one of each.
 */
@Singleton
public class ServingKeyManager extends X509ExtendedKeyManager {

    private record Generation(long id, X509KeyManager keys) {

        String alias(String alias) {
            return alias == null ? null : id + ":" + alias;
        }
    }

    private volatile Generation current;
    private volatile Generation previous;

    /** Serves {@code keys} from the next handshake on; handshakes under way finish with the pair they chose. */
    public synchronized void use(X509KeyManager keys) {
        previous = current;
        current = new Generation(current == null ? 1 : current.id() + 1, keys);
    }

    /** True once a key pair is in force (the HTTPS server or the mesh stream's server loaded one). */
    public boolean loaded() {
        return current != null;
    }

    /** The X.509 key manager of an initialised factory, such as the one Vert.x builds from PEM files. */
    public static X509KeyManager x509(KeyManagerFactory factory) {
        return Arrays.stream(factory.getKeyManagers()).filter(X509KeyManager.class::isInstance).map(X509KeyManager.class::cast)
                .findFirst().orElseThrow(() -> new IllegalStateException("no X.509 key manager"));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        var generation = current;
        if (generation == null) {
            return null;
        }
        return generation.alias(generation.keys() instanceof X509ExtendedKeyManager extended
                ? extended.chooseEngineServerAlias(keyType, issuers, engine)
                : generation.keys().chooseServerAlias(keyType, issuers, null));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        var generation = current;
        return generation == null ? null : generation.alias(generation.keys().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        var generation = current;
        var aliases = generation == null ? null : generation.keys().getServerAliases(keyType, issuers);
        return aliases == null ? null : Arrays.stream(aliases).map(generation::alias).toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        var generation = generationOf(alias);
        return generation == null ? null : generation.keys().getCertificateChain(aliasIn(alias));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        var generation = generationOf(alias);
        return generation == null ? null : generation.keys().getPrivateKey(aliasIn(alias));
    }

    /** The webhook is only ever a TLS server. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    private Generation generationOf(String alias) {
        if (alias == null || alias.indexOf(':') < 0) {
            return null;
        }
        var id = alias.substring(0, alias.indexOf(':'));
        for (var generation : new Generation[] {current, previous}) {
            if (generation != null && Long.toString(generation.id()).equals(id)) {
                return generation;
            }
        }
        return null;
    }

    private static String aliasIn(String alias) {
        return alias.substring(alias.indexOf(':') + 1);
    }
}
