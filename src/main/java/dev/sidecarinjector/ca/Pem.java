package dev.sidecarinjector.ca;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM in and out, with Bouncy Castle's parser: certificates, private keys (PKCS#1, SEC1, PKCS#8) and CSRs. */
public final class Pem {

    private Pem() {
    }

    /** Every certificate of the text, in order; an error says what was found instead. */
    public static List<X509Certificate> certificates(String text) throws CertificateException {
        var out = new ArrayList<X509Certificate>();
        try (var parser = new PEMParser(new StringReader(text))) {
            for (var object = parser.readObject(); object != null; object = parser.readObject()) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw new CertificateException("holds " + describe(object) + " where a CERTIFICATE was expected");
                }
                out.add(certificate(holder.getEncoded()));
            }
        } catch (IOException | RuntimeException e) {
            throw new CertificateException("is not PEM: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new CertificateException("holds no PEM certificate");
        }
        return out;
    }

    /** The one private key of the text (unencrypted: PKCS#1 RSA, SEC1 EC or PKCS#8). */
    public static PrivateKey privateKey(String text) throws CertificateException {
        try (var parser = new PEMParser(new StringReader(text))) {
            var object = parser.readObject();
            // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key: the key names its curve anyway.
            while (object instanceof ASN1ObjectIdentifier) {
                object = parser.readObject();
            }
            var converter = new JcaPEMKeyConverter();
            PrivateKey key = switch (object) {
                case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case null -> throw new CertificateException("holds no PEM private key");
                default -> throw new CertificateException("holds " + describe(object) + " where an unencrypted PRIVATE KEY was expected");
            };
            if (parser.readObject() != null) {
                throw new CertificateException("holds more than one PEM object; one private key was expected");
            }
            return key;
        } catch (IOException | RuntimeException e) {
            throw new CertificateException("is not a PEM private key: " + e.getMessage(), e);
        }
    }

    /** The one PKCS#10 request of the text; null when the text holds none or something else. */
    public static PKCS10CertificationRequest certificationRequest(String text) throws IOException {
        try (var parser = new PEMParser(new StringReader(text))) {
            var object = parser.readObject();
            if (!(object instanceof PKCS10CertificationRequest request)) {
                throw new IOException(object == null ? "no PEM CERTIFICATE REQUEST in it" : "it holds " + describe(object));
            }
            if (parser.readObject() != null) {
                throw new IOException("more than one PEM object; one CERTIFICATE REQUEST was expected");
            }
            return request;
        } catch (RuntimeException e) {
            // Bouncy Castle reports bad DER inside a PEM block as unchecked exceptions.
            throw new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    public static X509Certificate certificate(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** PEM text of the objects (certificates, private keys as PKCS#8, CSRs), each ending with a newline. */
    public static String encode(Object... objects) {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            for (var object : objects) {
                if (object instanceof PrivateKey key) {
                    // PKCS#8 ("PRIVATE KEY"): the JDK's EC keys written as SEC1 would lose their curve.
                    writer.writeObject(new JcaPKCS8Generator(key, null));
                } else {
                    writer.writeObject(object);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write PEM: " + e.getMessage(), e);
        }
        return out.toString();
    }

    public static String encode(List<X509Certificate> certificates) {
        return encode(certificates.toArray());
    }

    private static String describe(Object object) {
        return switch (object) {
            case X509CertificateHolder ignored -> "a CERTIFICATE";
            case PKCS10CertificationRequest ignored -> "a CERTIFICATE REQUEST";
            case PEMKeyPair ignored -> "a PRIVATE KEY";
            case PrivateKeyInfo ignored -> "a PRIVATE KEY";
            case org.bouncycastle.openssl.PEMEncryptedKeyPair ignored -> "an encrypted PRIVATE KEY";
            case org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo ignored -> "an encrypted PRIVATE KEY";
            case ASN1ObjectIdentifier ignored -> "an EC PARAMETERS block";
            default -> "a " + object.getClass().getSimpleName();
        };
    }
}
