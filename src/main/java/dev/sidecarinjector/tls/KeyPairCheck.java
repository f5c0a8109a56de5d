package dev.sidecarinjector.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Signature;
import java.util.Collections;
import java.util.Optional;
import javax.net.ssl.X509KeyManager;

/** Whether a key store's private key belongs to its certificate: a rotation caught half-way has a new key and an old certificate. */
final class KeyPairCheck {

    private KeyPairCheck() {
    }

    /**
     * Empty when the pair matches, else why not. The key comes from the key manager because the store's key
     * entries are protected by a password that Vert.x chooses internally.
     */
    static Optional<String> mismatch(KeyStore store, X509KeyManager keys) {
        try {
            for (var alias : Collections.list(store.aliases())) {
                var key = keys.getPrivateKey(alias);
                var chain = keys.getCertificateChain(alias);
                if (key == null || chain == null || chain.length == 0) {
                    continue;
                }
                var cert = chain[0];
                var algorithm = switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    default -> key.getAlgorithm();
                };
                var nonce = "sidecar-injector key check".getBytes(StandardCharsets.UTF_8);
                var signer = Signature.getInstance(algorithm);
                signer.initSign(key);
                signer.update(nonce);
                var signature = signer.sign();
                var verifier = Signature.getInstance(algorithm);
                verifier.initVerify(cert.getPublicKey());
                verifier.update(nonce);
                return verifier.verify(signature) ? Optional.empty()
                        : Optional.of("the private key does not belong to the certificate " + cert.getSubjectX500Principal().getName());
            }
            return Optional.of("no private key entry");
        } catch (GeneralSecurityException e) {
            return Optional.of("cannot check the key pair: " + e.getMessage());
        }
    }
}
