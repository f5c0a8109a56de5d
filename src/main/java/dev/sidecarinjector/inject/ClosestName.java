package dev.sidecarinjector.inject;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * The known name nearest to one a person wrote, the likely intent behind a typo: by edit distance (insertions,
 * deletions, substitutions and swaps of neighbours, each costing 1; the optimal string alignment distance), case
 * ignored first (a case slip is the likeliest mistake), then with case, then alphabetically, so the answer is
 * always the same. Pure; the work is bounded: names are compared on their first {@link #COMPARED} characters.
 */
public final class ClosestName {

    /** The distance is quadratic in the names' lengths; annotation keys are at most 316 characters when valid. */
    static final int COMPARED = 128;

    private ClosestName() {
    }

    /** The closest of {@code known} to {@code written}; empty only when {@code known} is. */
    public static Optional<String> among(String written, Collection<String> known) {
        var folded = cut(written).toLowerCase(Locale.ROOT);
        var cut = cut(written);
        return known.stream().min(Comparator
                .<String>comparingInt(name -> distance(folded, cut(name).toLowerCase(Locale.ROOT)))
                .thenComparingInt(name -> distance(cut, cut(name)))
                .thenComparing(Comparator.naturalOrder()));
    }

    /**
     * True when {@code closest} is near enough to {@code written} to be its likely intent. Judged on the names after
     * their prefix ({@code proxyCPUs} of {@code sidecar.istio.io/proxyCPUs}), which a long shared prefix would
     * otherwise hide: the same name under another prefix, a start of the known name (three characters or more), or a
     * few slips (two, or a quarter of the name if more).
     */
    public static boolean isLikelyIntent(String written, String closest) {
        var name = local(written);
        var known = local(closest);
        if (name.equals(known) || name.length() >= 3 && known.startsWith(name)) {
            return true;
        }
        var distance = distance(cut(written).toLowerCase(Locale.ROOT), cut(closest).toLowerCase(Locale.ROOT));
        return distance <= Math.max(2, Math.min(name.length(), COMPARED) / 4);
    }

    private static String local(String name) {
        return cut(name.substring(name.lastIndexOf('/') + 1)).toLowerCase(Locale.ROOT);
    }

    /** The optimal string alignment distance between {@code a} and {@code b}. */
    public static int distance(String a, String b) {
        var rows = a.length() + 1;
        var columns = b.length() + 1;
        var d = new int[rows][columns];
        for (var i = 0; i < rows; i++) {
            d[i][0] = i;
        }
        for (var j = 0; j < columns; j++) {
            d[0][j] = j;
        }
        for (var i = 1; i < rows; i++) {
            for (var j = 1; j < columns; j++) {
                var cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                var best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[rows - 1][columns - 1];
    }

    private static String cut(String name) {
        return name.length() <= COMPARED ? name : name.substring(0, COMPARED);
    }
}
