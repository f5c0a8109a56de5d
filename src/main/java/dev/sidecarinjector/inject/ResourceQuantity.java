package dev.sidecarinjector.inject;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity ({@code 100m}, {@code 64Mi}, {@code 1.5}, {@code 1e3}), kept as written and
 * comparable by value. The grammar is apimachinery's {@code resource.Quantity}, without negative numbers (no
 * request or limit may be negative).
 */
public record ResourceQuantity(String text, BigDecimal amount) implements Comparable<ResourceQuantity> {

    /**
     * Longest quantity accepted: int64 has 19 digits and Kubernetes keeps 9 decimal places, so a meaningful
     * quantity is far shorter. Checked before anything else, so the cost of what follows is bounded.
     */
    static final int MAX_LENGTH = 64;
    /** Largest decimal exponent either way: 1e100 is far beyond any node, 1e-100 rounds to Kubernetes' 1n. */
    static final int MAX_EXPONENT = 100;

    private static final Pattern QUANTITY = Pattern.compile("\\+?([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE]([+-]?[0-9]+))?");

    /** Parses a non-negative quantity; the error names the field and the value. */
    public static ResourceQuantity parse(String field, String value) {
        var text = value.strip();
        if (text.length() > MAX_LENGTH) {
            throw new InvalidValueException(field, value, "is not a resource quantity: longer than " + MAX_LENGTH + " characters");
        }
        var match = QUANTITY.matcher(text);
        if (!match.matches()) {
            throw new InvalidValueException(field, value, "is not a resource quantity (examples: 100m, 0.5, 64Mi, 1Gi)");
        }
        var number = new BigDecimal(match.group(1));
        var exponent = match.group(3);
        if (exponent != null) {
            return new ResourceQuantity(text, number.scaleByPowerOfTen(exponent(field, value, exponent)));
        }
        var suffix = match.group(2) == null ? "" : match.group(2);
        return new ResourceQuantity(text, number.multiply(multiplier(suffix)));
    }

    private static int exponent(String field, String value, String digits) {
        // At most MAX_LENGTH characters, so this cannot loop long; Integer.parseInt would overflow first.
        var magnitude = 0;
        for (var i = digits.startsWith("+") || digits.startsWith("-") ? 1 : 0; i < digits.length(); i++) {
            magnitude = magnitude * 10 + (digits.charAt(i) - '0');
            if (magnitude > MAX_EXPONENT) {
                throw new InvalidValueException(field, value,
                        "is not a resource quantity: the exponent must be between -" + MAX_EXPONENT + " and " + MAX_EXPONENT);
            }
        }
        return digits.startsWith("-") ? -magnitude : magnitude;
    }

    private static BigDecimal multiplier(String suffix) {
        return switch (suffix) {
            case "" -> BigDecimal.ONE;
            case "n" -> new BigDecimal("1e-9");
            case "u" -> new BigDecimal("1e-6");
            case "m" -> new BigDecimal("1e-3");
            case "k" -> new BigDecimal("1e3");
            case "M" -> new BigDecimal("1e6");
            case "G" -> new BigDecimal("1e9");
            case "T" -> new BigDecimal("1e12");
            case "P" -> new BigDecimal("1e15");
            case "E" -> new BigDecimal("1e18");
            case "Ki" -> BigDecimal.valueOf(1L << 10);
            case "Mi" -> BigDecimal.valueOf(1L << 20);
            case "Gi" -> BigDecimal.valueOf(1L << 30);
            case "Ti" -> BigDecimal.valueOf(1L << 40);
            case "Pi" -> BigDecimal.valueOf(1L << 50);
            case "Ei" -> BigDecimal.valueOf(1L << 60);
            default -> throw new IllegalStateException("suffix " + suffix + " is in the pattern but not here");
        };
    }

    @Override
    public int compareTo(ResourceQuantity other) {
        return amount.compareTo(other.amount);
    }
}
