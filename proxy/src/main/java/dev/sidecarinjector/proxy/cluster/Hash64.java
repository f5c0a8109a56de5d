package dev.sidecarinjector.proxy.cluster;

/**
 * The 64-bit hash of consistent hashing: FNV-1a over the text's UTF-16 units, then MurmurHash3's finaliser so that
 * keys differing in their last characters spread over the whole range. The same text gives the same hash in every
 * proxy (no seed).
 */
public final class Hash64 {

    private Hash64() {
    }

    public static long of(CharSequence text) {
        var hash = 0xcbf29ce484222325L;
        for (var i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return mix(hash);
    }

    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
