package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the injection derives from a pod's annotations and keeps for the next pod with the same ones: the rendered
 * containers of {@link SidecarTemplates}, the parsed {@code proxy.istio.io/config} of {@link PodOverrides}. Least
 * recently used out first, bounded by an estimate of the heap held rather than by a count: the inputs carry
 * annotation values, which a pod's author chooses and may make a megabyte long. An entry heavier than
 * {@link RenderCacheLimits#maxEntryBytes} is never kept. The values are shared: nothing may change them.
 */
final class RenderCache {

    /** Two bytes a character (a string outside Latin-1) plus this much for each value, key or node. */
    private static final long VALUE_OVERHEAD = 48;

    private record Entry(Object value, long bytes) {
    }

    private final RenderCacheLimits limits;
    private final LinkedHashMap<List<Object>, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    RenderCache(RenderCacheLimits limits) {
        this.limits = limits;
    }

    /**
     * The value kept for {@code key}, or a fresh one from {@code render}, kept when it fits. The key's own weight
     * is checked first, so an oversized input is neither hashed into the map nor compared with its keys.
     */
    @SuppressWarnings("unchecked")
    <V> V get(List<Object> key, Supplier<V> render) {
        var keyBytes = weigh(key);
        if (keyBytes > limits.maxEntryBytes()) {
            return render.get();
        }
        synchronized (this) {
            var entry = entries.get(key);
            if (entry != null) {
                return (V) entry.value();
            }
        }
        var value = render.get();
        var entryBytes = keyBytes + weigh(value);
        if (entryBytes <= limits.maxEntryBytes()) {
            put(key, new Entry(value, entryBytes));
        }
        return value;
    }

    private synchronized void put(List<Object> key, Entry entry) {
        var previous = entries.put(key, entry);
        bytes += entry.bytes() - (previous == null ? 0 : previous.bytes());
        var eldest = entries.entrySet().iterator();
        while (bytes > limits.maxBytes() && eldest.hasNext()) {
            bytes -= eldest.next().getValue().bytes();
            eldest.remove();
        }
    }

    /** The estimated bytes held, never above {@link RenderCacheLimits#maxBytes}. */
    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }

    /** An estimate of the heap a value holds: template data (maps, lists, strings, numbers) or a JSON tree. */
    static long weigh(Object value) {
        return switch (value) {
            case CharSequence text -> VALUE_OVERHEAD + 2L * text.length();
            case SidecarTemplates.Rendering rendering -> weigh(rendering.tree());
            case JsonNode node when node.isTextual() -> VALUE_OVERHEAD + 2L * node.textValue().length();
            case JsonNode node -> {
                var total = VALUE_OVERHEAD + 2L * SharedJson.textLength(node);
                for (var field : node.properties()) {
                    total += weigh(field.getKey()) + weigh(field.getValue());
                }
                if (node.isArray()) {
                    for (var element : node) {
                        total += weigh(element);
                    }
                }
                yield total;
            }
            case Map<?, ?> map -> {
                var total = VALUE_OVERHEAD;
                for (var entry : map.entrySet()) {
                    total += weigh(entry.getKey()) + weigh(entry.getValue());
                }
                yield total;
            }
            case Iterable<?> items -> {
                var total = VALUE_OVERHEAD;
                for (var item : items) {
                    total += weigh(item);
                }
                yield total;
            }
            case null, default -> VALUE_OVERHEAD;
        };
    }
}
