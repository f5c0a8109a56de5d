package dev.sidecarinjector.proxy.policy;

/**
 * One AuthorizationPolicy value in Istio's forms: {@code *} (present: any value, not empty), {@code abc*} (prefix),
 * {@code *abc} (suffix) or exact; hosts compare without case, everything else with it. Made once per snapshot.
 */
record ValuePattern(Kind kind, String text, boolean ignoreCase) {

    enum Kind {
        ANY, PREFIX, SUFFIX, EXACT
    }

    static ValuePattern of(String value, boolean ignoreCase) {
        if (value.equals("*")) {
            return new ValuePattern(Kind.ANY, "", ignoreCase);
        }
        if (value.startsWith("*")) {
            return new ValuePattern(Kind.SUFFIX, value.substring(1), ignoreCase);
        }
        if (value.endsWith("*")) {
            return new ValuePattern(Kind.PREFIX, value.substring(0, value.length() - 1), ignoreCase);
        }
        return new ValuePattern(Kind.EXACT, value, ignoreCase);
    }

    /** Whether {@code value} (null: absent) matches; {@code *} needs a value that is not empty (Envoy's {@code .+}). */
    boolean matches(String value) {
        if (value == null) {
            return false;
        }
        return switch (kind) {
            case ANY -> !value.isEmpty();
            case PREFIX -> value.regionMatches(ignoreCase, 0, text, 0, text.length());
            case SUFFIX -> value.length() >= text.length() && value.regionMatches(ignoreCase, value.length() - text.length(), text, 0, text.length());
            case EXACT -> ignoreCase ? value.equalsIgnoreCase(text) : value.equals(text);
        };
    }
}
