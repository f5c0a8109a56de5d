package dev.sidecarinjector.inject;

/**
 * How much the render cache of {@link SidecarTemplates} may hold: {@code maxBytes} in all, {@code maxEntryBytes}
 * for one entry (its template data and rendered container); both are estimates of heap, see {@link RenderCache}.
 */
public record RenderCacheLimits(long maxBytes, long maxEntryBytes) {

    /** The defaults of {@code injector.templates.render-cache.*}: 8 MiB in all, 64 KiB an entry. */
    public static final RenderCacheLimits DEFAULT = new RenderCacheLimits(8L << 20, 64L << 10);

    public RenderCacheLimits {
        if (maxBytes < 0 || maxEntryBytes < 0) {
            throw new IllegalArgumentException("render cache limits must not be negative: " + maxBytes + ", " + maxEntryBytes);
        }
    }
}
