package dev.sidecarinjector.inject;

import java.util.function.Function;

/**
 * The value made from the last key, kept for the next call with an equal key: the pods of one workload come one after
 * another (a rollout, a scale-up) and give the same key, where a bounded cache would cost a lookup and a weight for
 * each. One entry, so it holds at most one key and value (each no larger than a pod); a key that changes only costs
 * the comparison. Shared by threads without locks: each entry is written whole, and a thread that misses another's makes
 * the value itself. The keys must not change once given.
 */
final class LastValue<K, V> {

    private record Entry<K, V>(K key, V value) {
    }

    private volatile Entry<K, V> last;

    V get(K key, Function<K, V> make) {
        var entry = last;
        if (entry != null && entry.key().equals(key)) {
            return entry.value();
        }
        var value = make.apply(key);
        last = new Entry<>(key, value);
        return value;
    }
}
