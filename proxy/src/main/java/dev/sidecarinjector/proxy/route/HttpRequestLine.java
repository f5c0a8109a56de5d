package dev.sidecarinjector.proxy.route;

/**
 * What routing reads of a request besides its headers: method, the request target split into path and query
 * (null when there is no {@code ?}), authority (the Host), scheme and the original destination port.
 * {@link #of} splits the target once per request.
 */
public record HttpRequestLine(String method, String path, String query, String authority, String scheme, int port) {

    /** From the request target as received ({@code /a/b?c=d}). */
    public static HttpRequestLine of(String method, String target, String authority, String scheme, int port) {
        var mark = target.indexOf('?');
        return mark < 0 ? new HttpRequestLine(method, target, null, authority, scheme, port)
                : new HttpRequestLine(method, target.substring(0, mark), target.substring(mark + 1), authority, scheme, port);
    }

    /** The request target again: path and query. */
    public String target() {
        return query == null ? path : path + "?" + query;
    }
}
