package dev.sidecarinjector.proxy.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed buckets. Fixed buckets cost a few adders and render directly as
 * {@code _bucket} lines; an HDR histogram would give quantiles nobody scrapes.
 */
public final class LatencyHistogram {
    /** Upper bounds in seconds: loopback connects take tens of microseconds, cross-node ones milliseconds. */
    static final double[] BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** The same bounds as Prometheus labels, written out: rendering them from doubles loaded BigDecimal for a scrape. */
    static final String[] LABELS = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
        "0.1", "0.25", "0.5", "1", "2.5", "5", "10"};

    private final LongAdder[] counts = new LongAdder[BOUNDS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void record(long nanos) {
        double seconds = nanos / 1e9;
        int i = 0;
        while (i < BOUNDS.length && seconds > BOUNDS[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(nanos);
    }

    /** Appends the cumulative bucket, sum and count lines of one labelled series. */
    void render(StringBuilder out, String name, String labels) {
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i].sum();
            String le = i < LABELS.length ? LABELS[i] : "+Inf";
            out.append(name).append("_bucket{").append(labels).append(",le=\"").append(le).append("\"} ")
                    .append(cumulative).append('\n');
        }
        out.append(name).append("_sum{").append(labels).append("} ");
        appendSeconds(out, sumNanos.sum());
        out.append('\n');
        out.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
    }

    /** Nanoseconds as decimal seconds ("0.000123"), with integer arithmetic only. */
    static void appendSeconds(StringBuilder out, long nanos) {
        out.append(nanos / 1_000_000_000L);
        long fraction = nanos % 1_000_000_000L;
        if (fraction != 0) {
            String digits = Long.toString(1_000_000_000L + fraction).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(digits, 0, end);
        }
    }
}
