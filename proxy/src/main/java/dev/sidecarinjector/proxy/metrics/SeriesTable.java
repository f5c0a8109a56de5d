package dev.sidecarinjector.proxy.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The series of one kind (HTTP or TCP), interned by their label text so that equal labels always give the same series
 * and the scrape never shows one twice; a second map by {@link SeriesKey} finds a series without building its labels.
 * Series are kept for the life of the proxy, in the order they were made (a stable order from scrape to scrape).
 */
final class SeriesTable<S> {
    private final ConcurrentHashMap<SeriesKey, S> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, S> byLabels = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<S> inOrder = new ConcurrentLinkedQueue<>();

    S get(SeriesKey key) {
        return byKey.get(key);
    }

    /** The series with these labels: {@code candidate} if there was none, else the one made before. */
    S intern(SeriesKey key, String labels, S candidate) {
        S series = byLabels.putIfAbsent(labels, candidate);
        if (series == null) {
            series = candidate;
            inOrder.add(series);
        }
        byKey.putIfAbsent(key, series);
        return series;
    }

    boolean isEmpty() {
        return inOrder.isEmpty();
    }

    Iterable<S> all() {
        return inOrder;
    }
}
