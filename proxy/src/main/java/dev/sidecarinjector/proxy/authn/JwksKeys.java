package dev.sidecarinjector.proxy.authn;

import dev.sidecarinjector.api.json.Json;
import dev.sidecarinjector.api.json.JsonException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * One issuer's JSON Web Key Set, parsed once per snapshot into public keys: RSA and EC keys only (an HMAC secret
 * or an unknown type is skipped, as is a broken key, so one bad key does not take its set down). Looked up by
 * {@code kid} and by what the token's {@code alg} needs.
 */
final class JwksKeys {

    /** A public key, its {@code kid} and {@code alg} (each null when the set gives none: then any token's suits it). */
    record Key(String kid, String alg, PublicKey key) {
    }

    static final JwksKeys EMPTY = new JwksKeys(List.of(), 0);

    private final List<Key> keys;
    private final int skipped;

    private JwksKeys(List<Key> keys, int skipped) {
        this.keys = List.copyOf(keys);
        this.skipped = skipped;
    }

    /** Parses {@code jwks} (empty: no keys); never throws, a set that is not JSON has no keys. */
    static JwksKeys parse(String jwks) {
        if (jwks.isEmpty()) {
            return EMPTY;
        }
        Object json;
        try {
            json = Json.parse(jwks);
        } catch (JsonException e) {
            return new JwksKeys(List.of(), 1);
        }
        if (!(json instanceof Map<?, ?> set) || !(set.get("keys") instanceof List<?> list)) {
            return new JwksKeys(List.of(), 1);
        }
        var keys = new ArrayList<Key>();
        var skipped = 0;
        for (var item : list) {
            try {
                @SuppressWarnings("unchecked")
                var jwk = item instanceof Map<?, ?> map ? JsonWebKey.Factory.newJwk((Map<String, Object>) map) : null;
                if (jwk instanceof PublicJsonWebKey pub && (pub.getPublicKey() instanceof RSAPublicKey || pub.getPublicKey() instanceof ECPublicKey)) {
                    keys.add(new Key(jwk.getKeyId(), jwk.getAlgorithm(), pub.getPublicKey()));
                } else {
                    skipped++;
                }
            } catch (JoseException | RuntimeException e) {
                skipped++;
            }
        }
        return new JwksKeys(keys, skipped);
    }

    /**
     * The keys a token with {@code kid} (may be null) and {@code alg} may have been signed with, as jwt_verify_lib
     * picks them: the key type the algorithm needs, the same kid when both name one, the same alg when the key names one.
     */
    List<Key> candidates(String kid, String alg) {
        var rsa = alg.charAt(0) != 'E';
        var out = new ArrayList<Key>(1);
        for (var key : keys) {
            if ((kid == null || key.kid() == null || kid.equals(key.kid())) && (key.alg() == null || key.alg().equals(alg))
                    && (key.key() instanceof RSAPublicKey) == rsa) {
                out.add(key);
            }
        }
        return out;
    }

    int size() {
        return keys.size();
    }

    /** Keys left out: not RSA or EC, or broken. */
    int skipped() {
        return skipped;
    }
}
