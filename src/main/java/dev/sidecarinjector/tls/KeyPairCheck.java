package dev.sidecarinjector.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Collections;
import java.util.Optional;
import javax.net.ssl.X509KeyManager;

/**
 * Whether a private key belongs to a certificate: a rotation caught half-way has a new key and an old certificate,
 * and a CA's key file may be another certificate's.
 */
public final class KeyPairCheck {

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
                return belongs(key, cert.getPublicKey()) ? Optional.empty()
                        : Optional.of("the private key does not belong to the certificate " + cert.getSubjectX500Principal().getName());
            }
            return Optional.of("no private key entry");
        } catch (GeneralSecurityException e) {
            return Optional.of("cannot check the key pair: " + e.getMessage());
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}. An RSA key in CRT form (what PEM files hold) carries
     * its public half, compared as numbers; any other key signs a nonce that the public key must verify. (An RSA
     * signature in the interpreter takes about 50 ms of the start on one CPU.)
     */
    public static boolean belongs(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        if (key instanceof RSAPrivateCrtKey rsa && publicKey instanceof RSAPublicKey expected) {
            return rsa.getModulus().equals(expected.getModulus()) && rsa.getPublicExponent().equals(expected.getPublicExponent());
        }
        var algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        var nonce = "sidecar-injector key check".getBytes(StandardCharsets.UTF_8);
        var signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(nonce);
        var verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(nonce);
        return verifier.verify(signer.sign());
    }
}
