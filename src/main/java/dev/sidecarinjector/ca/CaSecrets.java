package dev.sidecarinjector.ca;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The CA's root in a cluster, in the control plane's own namespace, as istiod keeps it: the plug-in Secret
 * {@value #PLUG_IN} (Istio's layout) when it exists, else the Secret {@value #SELF_SIGNED} (type
 * {@value #SECRET_TYPE}) holding the self-signed root, created by the first replica to start. A replica that loses
 * the race to create it (409) reads the winner's, so every replica signs with the same root.
 */
public final class CaSecrets {

    public static final String PLUG_IN = "cacerts";
    public static final String SELF_SIGNED = "istio-ca-secret";
    static final String SECRET_TYPE = "istio.io/ca-root";
    private static final Logger LOG = Logger.getLogger(CaSecrets.class);

    private final KubernetesClient client;
    private final String namespace;

    public CaSecrets(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public SigningBundle load(String trustDomain, Duration rootLifetime, Instant now) throws CaSetupException {
        var plugged = get(PLUG_IN);
        if (plugged != null) {
            return SigningBundleReader.plugIn(CaFiles.secret(namespace, PLUG_IN, decode(plugged)), now);
        }
        var kept = get(SELF_SIGNED);
        if (kept != null) {
            return SigningBundleReader.selfSigned(CaFiles.secret(namespace, SELF_SIGNED, decode(kept)), now);
        }
        var made = SelfSignedRoot.make(trustDomain, rootLifetime, now, "Secret " + namespace + "/" + SELF_SIGNED);
        var secret = new SecretBuilder().withNewMetadata().withName(SELF_SIGNED).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "sidecar-injector").endMetadata()
                .withType(SECRET_TYPE)
                .addToData(CaFiles.CA_CERT, base64(made.certificatePem()))
                .addToData(CaFiles.CA_KEY, base64(made.keyPem()))
                .addToData(CaFiles.ROOT_CERT, base64(made.certificatePem()))
                .build();
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
            LOG.infof("CA: made a self-signed root for trust domain %s and kept it in Secret %s/%s, valid until %s", trustDomain, namespace,
                    SELF_SIGNED, made.bundle().root().getNotAfter().toInstant());
            return made.bundle();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw failure("create", SELF_SIGNED, e);
            }
        }
        // Another replica created it first: use theirs.
        var theirs = get(SELF_SIGNED);
        if (theirs == null) {
            throw new CaSetupException("Secret " + namespace + "/" + SELF_SIGNED + ": creating it conflicted, yet it cannot be read back");
        }
        LOG.infof("CA: another replica made Secret %s/%s first; using its root", namespace, SELF_SIGNED);
        return SigningBundleReader.selfSigned(CaFiles.secret(namespace, SELF_SIGNED, decode(theirs)), now);
    }

    private Secret get(String name) throws CaSetupException {
        try {
            return client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw failure("read", name, e);
        }
    }

    private CaSetupException failure(String verb, String name, KubernetesClientException e) {
        var hint = e.getCode() == 403 ? " (the control plane's Role must allow get and create on Secrets in its namespace: see the chart's rbac.yaml)" : "";
        return new CaSetupException("Secret " + namespace + "/" + name + ": cannot " + verb + " it: "
                + (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "") + e.getMessage() + hint, e);
    }

    private static Map<String, String> decode(Secret secret) {
        var decoded = new HashMap<String, String>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> decoded.put(key, value == null ? "" : new String(Base64.getMimeDecoder().decode(value),
                    StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            decoded.putAll(secret.getStringData());
        }
        return decoded;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
