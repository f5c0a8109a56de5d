package dev.sidecarinjector.proxy.identity;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The proxy's key and its PKCS#10 certificate request, made in memory (the key never touches disk). The request is
 * the smallest that is valid: version 0, an empty subject, the public key, no attributes, signed with
 * ECDSA-SHA256. The CA takes the identity from the token, never from the request (Istio's CA ignores a CSR's
 * names too), so nothing else belongs in it. Written out here in DER, a few fixed structures, rather than pulling
 * Bouncy Castle's several megabytes into the proxy; the CA parses and verifies it with Bouncy Castle, and the tests
 * with {@code openssl req -verify}.
 */
public final class Csr {

    /** AlgorithmIdentifier ecdsa-with-SHA256 (1.2.840.10045.4.3.2), no parameters. */
    private static final byte[] ECDSA_WITH_SHA256 = {0x30, 0x0A, 0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
    private static final byte[] EMPTY_NAME = {0x30, 0x00};
    private static final byte[] NO_ATTRIBUTES = {(byte) 0xA0, 0x00};

    private Csr() {
    }

    /** A new ECDSA P-256 key pair (Istio's default for workload keys is ECDSA P-256 too). */
    public static KeyPair newKey() throws GeneralSecurityException {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** The DER request for {@code key}, signed by its private key. */
    public static byte[] der(KeyPair key) throws GeneralSecurityException {
        var info = sequence(VERSION_0, EMPTY_NAME, key.getPublic().getEncoded(), NO_ATTRIBUTES);
        var signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key.getPrivate());
        signer.update(info);
        var signature = signer.sign();
        var bits = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bits, 1, signature.length);
        return sequence(info, ECDSA_WITH_SHA256, tagged(0x03, bits));
    }

    /** The request as PEM, what {@code POST /v1/certificate} takes. */
    public static String pem(KeyPair key) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der(key))
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private static byte[] sequence(byte[]... parts) {
        var content = new ByteArrayOutputStream();
        for (var part : parts) {
            content.writeBytes(part);
        }
        return tagged(0x30, content.toByteArray());
    }

    /** Tag, DER length (short form below 128, else long form), content. */
    static byte[] tagged(int tag, byte[] content) {
        var out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        var length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            var octets = length > 0xFFFFFF ? 4 : length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
            out.write(0x80 | octets);
            for (var i = octets - 1; i >= 0; i--) {
                out.write(length >>> (8 * i) & 0xFF);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
