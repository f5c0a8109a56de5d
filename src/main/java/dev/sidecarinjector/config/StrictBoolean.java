package dev.sidecarinjector.config;

import java.util.Locale;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * A boolean setting that refuses what is not one: MicroProfile's own converter reads every word it does not know as
 * {@code false}, so {@code hold-application-until-proxy-starts=ture} would have turned the feature off unsaid. Takes
 * {@code true}/{@code false} and the usual spellings ({@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code 0}),
 * in any case.
 */
public final class StrictBoolean implements Converter<Boolean> {

    @Override
    public Boolean convert(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("is not true or false");
        };
    }
}
