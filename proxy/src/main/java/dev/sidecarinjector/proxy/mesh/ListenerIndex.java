package dev.sidecarinjector.proxy.mesh;

import java.util.Arrays;

/**
 * The outbound listeners of a compiled snapshot by original destination: an open-addressing table keyed by the
 * IPv4 address and port packed in one long, so a lookup per connection neither builds a string nor boxes a key.
 * Filled once at compile time, read-only afterwards.
 */
final class ListenerIndex {

    private static final long EMPTY = -1;

    private final long[] keys;
    private final CompiledListener[] values;
    private final int mask;

    ListenerIndex(CompiledListener[] listeners) {
        var capacity = Integer.highestOneBit(Math.max(4, listeners.length * 2 + 1)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new CompiledListener[capacity];
        mask = capacity - 1;
        for (var listener : listeners) {
            var key = key(listener.address(), listener.port());
            var slot = slot(key);
            while (keys[slot] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = listener;
        }
    }

    static long key(long address, int port) {
        return address << 16 | port;
    }

    /** The listener for {@code address} (unsigned 32 bits in an int) and {@code port}, or null. */
    CompiledListener get(int address, int port) {
        var key = key(address & 0xFFFFFFFFL, port);
        var slot = slot(key);
        while (true) {
            var candidate = keys[slot];
            if (candidate == key) {
                return values[slot];
            }
            if (candidate == EMPTY) {
                return null;
            }
            slot = (slot + 1) & mask;
        }
    }

    private int slot(long key) {
        var h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }
}
