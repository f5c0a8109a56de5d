package dev.sidecarinjector.mesh.rootcert;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The root certificate the control plane publishes: the mesh CA's root, or (the CA off) the PEM file, re-read on
 * demand. Only whole PEM X.509 certificates are taken; a file that is missing, half written or not a certificate
 * keeps the last good content (or nothing, before the first), and each distinct problem is logged once.
 */
public final class RootCertificate {

    private static final Logger LOG = Logger.getLogger(RootCertificate.class);
    private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";

    private final Path file;
    private final String origin;
    private volatile String pem;
    private String problem;

    public RootCertificate(Path file) {
        this.file = file;
        this.origin = file.toString();
    }

    private RootCertificate(String pem, String origin) {
        this.file = null;
        this.origin = origin;
        this.pem = pem;
    }

    /** A root that stays as it is while the process runs (the mesh CA's), published as given. */
    public static RootCertificate fixed(String pem, String origin) {
        return new RootCertificate(pem, origin);
    }

    /** The PEM to publish; empty until the file has held a certificate. */
    public Optional<String> pem() {
        return Optional.ofNullable(pem);
    }

    /** Where the root comes from, for log lines: the file, or the CA's Secret or directory. */
    public String origin() {
        return origin;
    }

    /** Re-reads the file; true when the content to publish changed (never for a fixed root). */
    public synchronized boolean reload() {
        if (file == null) {
            return false;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
            check(text);
        } catch (NoSuchFileException e) {
            return failed("does not exist");
        } catch (MalformedInputException e) {
            return failed("not text (DER?): a PEM certificate is needed");
        } catch (IOException e) {
            return failed("cannot be read: " + e);
        } catch (CertificateException e) {
            return failed(e.getMessage());
        }
        if (problem != null) {
            LOG.infof("root certificate file %s is a certificate again", file);
            problem = null;
        }
        if (text.equals(pem)) {
            return false;
        }
        LOG.infof("root certificate %s %s", file, pem == null ? "loaded" : "changed: publishing it again");
        pem = text;
        return true;
    }

    private boolean failed(String why) {
        if (!why.equals(problem)) {
            LOG.warnf("root certificate file %s: %s; %s", file, why,
                    pem == null ? "nothing is published until it holds a PEM certificate" : "the last good one stays published");
            problem = why;
        }
        return false;
    }

    /** Throws unless the text is one or more PEM certificates (a DER file or a key is refused). */
    static void check(String text) throws CertificateException {
        if (!text.contains(PEM_BEGIN)) {
            throw new CertificateException("not a PEM certificate (no " + PEM_BEGIN + " line)");
        }
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))).isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
        } catch (CertificateException e) {
            throw new CertificateException("not a PEM certificate: " + e.getMessage(), e);
        }
    }
}
