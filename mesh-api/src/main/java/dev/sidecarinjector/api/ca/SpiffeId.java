package dev.sidecarinjector.api.ca;

import java.util.regex.Pattern;

/**
 * A workload's identity as Istio writes it: {@code spiffe://TRUST_DOMAIN/ns/NAMESPACE/sa/SERVICE_ACCOUNT}, the one
 * URI SAN of its certificate; the principal of authorization policies is the same without {@code spiffe://}.
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {

    public static final String SCHEME = "spiffe://";
    /** A trust domain is a DNS-like name: lowercase letters, digits, dots, dashes and underscores (SPIFFE ID spec). */
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");
    /** A namespace is a DNS-1123 label. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** A ServiceAccount name is a DNS-1123 subdomain. */
    private static final Pattern SERVICE_ACCOUNT = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public SpiffeId {
        if (!validTrustDomain(trustDomain)) {
            throw new IllegalArgumentException("trust domain \"" + trustDomain + "\" is not a SPIFFE trust domain (lowercase letters, digits, '.', '-', '_')");
        }
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace \"" + namespace + "\" is not a Kubernetes namespace name");
        }
        if (serviceAccount == null || !SERVICE_ACCOUNT.matcher(serviceAccount).matches()) {
            throw new IllegalArgumentException("service account \"" + serviceAccount + "\" is not a Kubernetes ServiceAccount name");
        }
    }

    public static boolean validTrustDomain(String trustDomain) {
        return trustDomain != null && TRUST_DOMAIN.matcher(trustDomain).matches();
    }

    /** Reads {@code spiffe://TD/ns/NS/sa/SA}; anything else is an {@link IllegalArgumentException} saying why. */
    public static SpiffeId parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException("\"" + uri + "\" is not a spiffe:// URI");
        }
        var parts = uri.substring(SCHEME.length()).split("/", -1);
        if (parts.length != 5 || !parts[1].equals("ns") || !parts[3].equals("sa")) {
            throw new IllegalArgumentException("\"" + uri + "\" is not spiffe://TRUST_DOMAIN/ns/NAMESPACE/sa/SERVICE_ACCOUNT");
        }
        return new SpiffeId(parts[0], parts[2], parts[4]);
    }

    /** {@code spiffe://cluster.local/ns/default/sa/productpage}. */
    public String uri() {
        return SCHEME + principal();
    }

    /** {@code cluster.local/ns/default/sa/productpage}, as authorization policies name it. */
    public String principal() {
        return trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    @Override
    public String toString() {
        return uri();
    }
}
