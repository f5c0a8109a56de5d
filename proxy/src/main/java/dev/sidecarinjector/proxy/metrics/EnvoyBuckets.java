package dev.sidecarinjector.proxy.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Envoy's default histogram buckets, which Istio's histograms keep unless a pod's
 * {@code sidecar.istio.io/statsHistogramBuckets} annotation changes them: the same bounds serve milliseconds and bytes.
 * A histogram is {@link #CELLS} cells of an {@link AtomicLongArray}: a count per bucket, {@code +Inf} last, then the
 * sum. Recording is two atomic adds, with no lock and no allocation.
 */
final class EnvoyBuckets {
    /** The {@code le} labels as Envoy prints them (its {@code %.32g} writes no exponent). */
    static final String[] LE = {"0.5", "1", "5", "10", "25", "50", "100", "250", "500", "1000", "2500", "5000", "10000",
        "30000", "60000", "300000", "600000", "1800000", "3600000"};
    /** Cells of one histogram: {@code LE.length} buckets, {@code +Inf}, sum. */
    static final int CELLS = LE.length + 2;
    private static final int SUM = CELLS - 1;
    /** The bounds in nanoseconds, so that a duration is compared exactly (Istio truncates to whole milliseconds first). */
    private static final long[] NANOS = {500_000L, 1_000_000L, 5_000_000L, 10_000_000L, 25_000_000L, 50_000_000L,
        100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L, 5_000_000_000L, 10_000_000_000L,
        30_000_000_000L, 60_000_000_000L, 300_000_000_000L, 600_000_000_000L, 1_800_000_000_000L, 3_600_000_000_000L};
    /** The largest whole number of bytes at or under each bound: 0 bytes is the only size under 0.5. */
    private static final long[] BYTES = {0, 1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
        300_000, 600_000, 1_800_000, 3_600_000};

    private EnvoyBuckets() {
    }

    static void recordNanos(AtomicLongArray cells, int offset, long nanos) {
        long value = Math.max(0, nanos);
        cells.getAndIncrement(offset + bucket(NANOS, value));
        cells.getAndAdd(offset + SUM, value);
    }

    static void recordBytes(AtomicLongArray cells, int offset, long bytes) {
        long value = Math.max(0, bytes);
        cells.getAndIncrement(offset + bucket(BYTES, value));
        cells.getAndAdd(offset + SUM, value);
    }

    /** The first bucket whose bound the value does not exceed ({@code le} is inclusive); most values fall early. */
    private static int bucket(long[] bounds, long value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        return i;
    }

    static long count(AtomicLongArray cells, int offset) {
        long count = 0;
        for (int i = 0; i < SUM; i++) {
            count += cells.get(offset + i);
        }
        return count;
    }

    /**
     * Appends the cumulative {@code _bucket} lines, {@code _sum} and {@code _count} of one series; {@code labels} and
     * {@code moreLabels} are written one after the other. The sum is in milliseconds for a duration (recorded in
     * nanoseconds), in bytes otherwise. {@code _count} is the {@code +Inf} bucket as read here, so the two always agree.
     */
    static void render(StringBuilder out, String name, String labels, String moreLabels, AtomicLongArray cells,
                       int offset, boolean nanos) {
        long cumulative = 0;
        for (int i = 0; i < SUM; i++) {
            cumulative += cells.get(offset + i);
            out.append(name).append("_bucket{").append(labels).append(moreLabels).append(",le=\"")
                    .append(i < LE.length ? LE[i] : "+Inf").append("\"} ").append(cumulative).append('\n');
        }
        out.append(name).append("_sum{").append(labels).append(moreLabels).append("} ");
        long sum = cells.get(offset + SUM);
        if (nanos) {
            appendMillis(out, sum);
        } else {
            out.append(sum);
        }
        out.append('\n');
        out.append(name).append("_count{").append(labels).append(moreLabels).append("} ").append(cumulative).append('\n');
    }

    /** Nanoseconds as decimal milliseconds ("3.25"), with integer arithmetic only, as {@link LatencyHistogram} does. */
    static void appendMillis(StringBuilder out, long nanos) {
        out.append(nanos / 1_000_000L);
        long fraction = nanos % 1_000_000L;
        if (fraction != 0) {
            String digits = Long.toString(1_000_000L + fraction);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(digits, 1, end);
        }
    }
}
