package dev.sidecarinjector.proxy.route;

/**
 * Reads one parameter of a query string ({@code a=1&b=2}, no leading {@code ?}) as Envoy's query_parameters
 * match does: by exact name, the first occurrence, the raw (not percent-decoded) value; {@code a} with no
 * {@code =} has the value "". Scans the string: no map is built per request.
 */
public final class QueryParameters {

    private QueryParameters() {
    }

    /** The value of {@code name} in {@code query}, or null when absent; {@code query} may be null. */
    public static String value(String query, String name) {
        if (query == null) {
            return null;
        }
        var start = 0;
        var length = query.length();
        while (start <= length) {
            var end = query.indexOf('&', start);
            if (end < 0) {
                end = length;
            }
            var equals = query.indexOf('=', start);
            var nameEnd = equals < 0 || equals > end ? end : equals;
            if (nameEnd - start == name.length() && query.startsWith(name, start)) {
                return nameEnd == end ? "" : query.substring(nameEnd + 1, end);
            }
            start = end + 1;
        }
        return null;
    }
}
