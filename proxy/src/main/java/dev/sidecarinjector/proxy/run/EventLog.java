package dev.sidecarinjector.proxy.run;

/**
 * One plain line per event on stderr, which the kubelet collects. No logging framework: it would
 * cost more heap and startup than the rest of the proxy. Only rare events (refusals, failures,
 * lifecycle) are logged, so the synchronous write does not slow the event loops.
 */
public final class EventLog {
    private EventLog() {
    }

    public static void info(String message) {
        System.err.println(utc(System.currentTimeMillis()) + " " + message);
    }

    /**
     * {@code 2026-11-25T14:38:35.314Z}, computed by hand: {@code Instant.toString()} loads
     * {@code java.time.format} and locale data (about 60 classes, half a megabyte) for this one line.
     */
    static String utc(long epochMillis) {
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        long millisOfDay = Math.floorMod(epochMillis, 86_400_000L);
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        var out = new StringBuilder(24);
        out.append(year).append('-');
        pad(out, month, 2).append('-');
        pad(out, day, 2).append('T');
        pad(out, millisOfDay / 3_600_000, 2).append(':');
        pad(out, millisOfDay / 60_000 % 60, 2).append(':');
        pad(out, millisOfDay / 1000 % 60, 2).append('.');
        return pad(out, millisOfDay % 1000, 3).append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder out, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
