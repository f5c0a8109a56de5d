package dev.sidecarinjector.inject;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** A Kubernetes resource quantity ({@code 100m}, {@code 64Mi}, {@code 1.5}, {@code 1e3}), kept as written and comparable by value. */
public record ResourceQuantity(String text, BigDecimal amount) implements Comparable<ResourceQuantity> {

    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?");

    /** Parses a non-negative quantity; the error names the field and the value. */
    public static ResourceQuantity parse(String field, String value) {
        var text = value.strip();
        var match = QUANTITY.matcher(text);
        if (!match.matches()) {
            throw new InvalidValueException(field, value, "is not a resource quantity (examples: 100m, 0.5, 64Mi, 1Gi)");
        }
        var number = new BigDecimal(match.group(1));
        var suffix = match.group(2) == null ? "" : match.group(2);
        return new ResourceQuantity(text, number.multiply(multiplier(suffix)));
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
            default -> BigDecimal.TEN.pow(Integer.parseInt(suffix.substring(1)), java.math.MathContext.DECIMAL128);
        };
    }

    @Override
    public int compareTo(ResourceQuantity other) {
        return amount.compareTo(other.amount);
    }
}
