package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.net.CidrList;
import dev.sidecarinjector.api.net.InvalidListException;

/**
 * The attributes an AuthorizationPolicy rule can test, with Istio's names: the {@code when} key (null when the
 * attribute is only a {@code from.source} or {@code to.operation} field), the field (and its {@code not} form), and
 * whether it exists only for HTTP requests (Istio's HTTP-only fields, which a TCP connection cannot have).
 * {@code REQUEST_HEADER} and {@code REQUEST_CLAIM} take a name in brackets ({@code request.headers[x-token]},
 * {@code request.auth.claims[groups]}, nested claims {@code [a][b]}).
 */
public enum AuthzAttribute {
    SOURCE_PRINCIPAL("source.principal", Section.SOURCE, "principals", false),
    SOURCE_NAMESPACE("source.namespace", Section.SOURCE, "namespaces", false),
    SOURCE_SERVICE_ACCOUNT("source.serviceAccount", Section.SOURCE, "serviceAccounts", false),
    SOURCE_IP("source.ip", Section.SOURCE, "ipBlocks", false),
    REMOTE_IP("remote.ip", Section.SOURCE, "remoteIpBlocks", false),
    REQUEST_PRINCIPAL("request.auth.principal", Section.SOURCE, "requestPrincipals", true),
    HOST(null, Section.OPERATION, "hosts", true),
    METHOD(null, Section.OPERATION, "methods", true),
    PATH(null, Section.OPERATION, "paths", true),
    DESTINATION_PORT("destination.port", Section.OPERATION, "ports", false),
    DESTINATION_IP("destination.ip", null, null, false),
    REQUEST_HEADER("request.headers", null, null, true),
    REQUEST_AUDIENCES("request.auth.audiences", null, null, true),
    REQUEST_PRESENTER("request.auth.presenter", null, null, true),
    REQUEST_CLAIM("request.auth.claims", null, null, true);

    /** Where a field lives in a rule: {@code from[].source} or {@code to[].operation}. */
    public enum Section {
        SOURCE, OPERATION
    }

    private final String whenKey;
    private final Section section;
    private final String field;
    private final boolean httpOnly;

    AuthzAttribute(String whenKey, Section section, String field, boolean httpOnly) {
        this.whenKey = whenKey;
        this.section = section;
        this.field = field;
        this.httpOnly = httpOnly;
    }

    /** The {@code when} key, without a bracketed name; null for hosts, methods and paths. */
    public String whenKey() {
        return whenKey;
    }

    /** The section whose field this is; null for {@code when}-only attributes. */
    public Section section() {
        return section;
    }

    /** The source or operation field ({@code principals}); null for {@code when}-only attributes. */
    public String field() {
        return field;
    }

    /** The field's negation ({@code notPrincipals}). */
    public String notField() {
        return field == null ? null : "not" + Character.toUpperCase(field.charAt(0)) + field.substring(1);
    }

    /** Istio's HTTP-only attributes: on a TCP port an ALLOW rule using one matches nothing, a DENY rule ignores it. */
    public boolean httpOnly() {
        return httpOnly;
    }

    /** Whether the attribute needs a bracketed name (a header, a claim). */
    public boolean named() {
        return this == REQUEST_HEADER || this == REQUEST_CLAIM;
    }

    /**
     * Why {@code value} cannot be a value of this attribute, or null when it can: ports are numbers 0-65535, addresses
     * IPv4 addresses or CIDR ranges (this mesh is IPv4 only), paths not Istio's path templates ({@code {*}}, {@code {**}},
     * which are not supported).
     */
    public String whyInvalid(String value) {
        switch (this) {
            case DESTINATION_PORT -> {
                if (value.isEmpty() || value.length() > 5 || !value.chars().allMatch(Character::isDigit) || Integer.parseInt(value) > Limits.MAX_PORT) {
                    return "is not a port (0-65535)";
                }
            }
            case SOURCE_IP, REMOTE_IP, DESTINATION_IP -> {
                if (value.contains(":")) {
                    return "is an IPv6 address, and this mesh is IPv4 only";
                }
                if (value.contains(",") || value.isBlank()) {
                    return "is not an IPv4 address or CIDR range";
                }
                try {
                    CidrList.parse(field == null ? whenKey : field, value, false);
                } catch (InvalidListException e) {
                    return "is not an IPv4 address or CIDR range";
                }
            }
            case PATH -> {
                if (value.contains("{*")) {
                    return "is a path template, which is not supported";
                }
            }
            default -> {
            }
        }
        return null;
    }

    /** The attribute whose source or operation field is {@code name} (either form), or null. */
    public static AuthzAttribute ofField(Section section, String name) {
        for (var attribute : values()) {
            if (attribute.section == section && (attribute.field.equals(name) || attribute.notField().equals(name))) {
                return attribute;
            }
        }
        return null;
    }

    /** The attribute of a {@code when} key without its bracketed name, or null. */
    public static AuthzAttribute ofWhenKey(String key) {
        for (var attribute : values()) {
            if (key.equals(attribute.whenKey)) {
                return attribute;
            }
        }
        return null;
    }
}
