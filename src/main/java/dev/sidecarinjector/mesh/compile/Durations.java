package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.Limits;
import java.math.BigDecimal;

/**
 * Istio's durations as the API server accepts them: Go's syntax ({@code 10s}, {@code 1.5s}, {@code 250ms},
 * {@code 1m30s}, {@code 1h}), converted to whole milliseconds; Istio rejects anything finer than a millisecond, and
 * anything longer than Go's durations hold ({@link Limits#MAX_DURATION_MS}), which the proxy's reader refuses too.
 */
final class Durations {

    private Durations() {
    }

    /** Milliseconds of {@code text}, at least {@code minMs}; an {@link InvalidField} naming {@code field} otherwise. */
    static long millis(String field, String text, long minMs) {
        var ms = parse(text);
        if (ms == SUB_MILLISECOND) {
            throw new InvalidField(field, text, "is not a whole number of milliseconds: durations are taken to the millisecond, as Istio takes them");
        }
        if (ms < 0) {
            throw new InvalidField(field, text, "is not a duration (use a number and a unit: 10s, 250ms, 1m)");
        }
        if (ms < minMs) {
            throw new InvalidField(field, text, "is shorter than " + minMs + "ms");
        }
        if (ms > Limits.MAX_DURATION_MS) {
            throw new InvalidField(field, text, "is longer than the longest duration, 2562047h47m16.854s");
        }
        return ms;
    }

    /** What {@link #parse} returns for a duration finer than a millisecond. */
    static final long SUB_MILLISECOND = -2;

    /** Milliseconds, {@link #SUB_MILLISECOND} for a duration that is not a whole number of them, or -1 when the text is not a duration. */
    static long parse(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        var s = text.strip();
        if (s.equals("0")) {
            return 0;
        }
        var total = BigDecimal.ZERO;
        var i = 0;
        while (i < s.length()) {
            var start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                return -1;
            }
            BigDecimal number;
            try {
                number = new BigDecimal(s.substring(start, i));
            } catch (NumberFormatException e) {
                return -1;
            }
            var unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            var nanos = switch (s.substring(unitStart, i)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                case "ms" -> 1_000_000L;
                case "us", "µs" -> 1_000L;
                case "ns" -> 1L;
                default -> -1L;
            };
            if (nanos < 0) {
                return -1;
            }
            total = total.add(number.multiply(BigDecimal.valueOf(nanos)));
        }
        var ms = total.divide(BigDecimal.valueOf(1_000_000));
        try {
            return ms.longValueExact();
        } catch (ArithmeticException e) {
            return ms.stripTrailingZeros().scale() > 0 ? SUB_MILLISECOND : -1;
        }
    }
}
