package dev.sidecarinjector.mesh.compile;

import java.util.Locale;

/**
 * HTTP header names and values as RFC 9110 allows them, checked before a resource can put them in a proxy's
 * requests: a name is a token, a value (and a path or authority the proxy writes) holds no control character but
 * tab, so no resource can split a header or a request in two.
 */
final class HeaderFields {

    private HeaderFields() {
    }

    /** {@code name} lower-cased, as HTTP/2 and the proxy's header maps have it; an {@link InvalidField} when it is not a token. */
    static String name(String name, String field) {
        return token(name, field, "an HTTP header name").toLowerCase(Locale.ROOT);
    }

    /** {@code name} as written (cookie names are case-sensitive); an {@link InvalidField} when it is not a token. */
    static String cookieName(String name, String field) {
        return token(name, field, "a cookie name");
    }

    private static String token(String name, String field, String what) {
        if (name == null || name.isEmpty()) {
            throw new InvalidField(field, null, "is missing");
        }
        for (var i = 0; i < name.length(); i++) {
            var c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw new InvalidField(field, name, "is not " + what + " (letters, digits and !#$%&'*+-.^_`|~)");
            }
        }
        return name;
    }

    /** {@code value} (null as empty); an {@link InvalidField} when it holds CR, LF, NUL or another control character but tab. */
    static String value(String value, String field) {
        if (value == null) {
            return "";
        }
        for (var i = 0; i < value.length(); i++) {
            var c = value.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7f) {
                throw new InvalidField(field, value, "holds a control character (CR, LF, NUL, ...), which HTTP forbids in a header or path");
            }
        }
        return value;
    }
}
