package dev.sidecarinjector.inject;

import java.util.regex.Pattern;

/** Kubernetes object names, checked here so that a bad one is refused naming its annotation, not by the API server later. */
public final class KubernetesNames {

    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9](?:[-a-z0-9]*+(?<=[a-z0-9]))?+(?:\\.[a-z0-9](?:[-a-z0-9]*+(?<=[a-z0-9]))?+)*+");
    private static final int SUBDOMAIN_MAX = 253;

    private KubernetesNames() {
    }

    /** Whether {@code name} is a DNS subdomain (RFC 1123: lowercase labels of letters, digits and '-'), as Kubernetes checks it. */
    public static boolean isSubdomain(String name) {
        return name.length() <= SUBDOMAIN_MAX && SUBDOMAIN.matcher(name).matches();
    }

    /** A DNS-1123 label (a namespace name, a subset name, one label of a host): letters and digits, {@code -} inside, at most 63 characters; upper case too when {@code anyCase}. */
    public static boolean isLabel(String text, boolean anyCase) {
        if (text.isEmpty() || text.length() > 63 || text.charAt(0) == '-' || text.charAt(text.length() - 1) == '-') {
            return false;
        }
        for (var i = 0; i < text.length(); i++) {
            var c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || anyCase && c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    /** A DNS subdomain, the name of a ConfigMap or a Secret; the error names the field and the value. */
    public static String subdomain(String field, String value) {
        var name = value.strip();
        if (!isSubdomain(name)) {
            throw new InvalidValueException(field, value, "is not a Kubernetes object name (lowercase letters, digits, '-' and '.', at most " + SUBDOMAIN_MAX + " characters)");
        }
        return name;
    }
}
