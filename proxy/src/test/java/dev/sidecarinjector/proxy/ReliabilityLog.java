package dev.sidecarinjector.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;

/**
 * What a proxy fault test tried and what held, with the figures it measured, appended as one JSON line to
 * {@code target/reliability/proxy.jsonl} once its assertions passed; {@code make reliability} turns the lines
 * into docs/reliability.md. JSON by hand: the proxy module has no JSON library, and needs none.
 */
public final class ReliabilityLog {

    private static final Path FILE = Path.of("target/reliability/proxy.jsonl");

    private ReliabilityLog() {
    }

    /** {@code figures} in the order given, name then value: {@code "fds before", 40, "fds after", 40}. */
    public static synchronized void record(String test, String tried, String held, Object... figures) {
        var named = new ArrayList<String>();
        for (int i = 0; i + 1 < figures.length; i += 2) {
            var value = figures[i + 1];
            named.add(quote(String.valueOf(figures[i])) + ":" + (value instanceof Number ? value : quote(String.valueOf(value))));
        }
        var line = "{\"suite\":\"proxy\",\"test\":%s,\"tried\":%s,\"held\":%s,\"figures\":{%s},\"at\":%s}\n".formatted(
                quote(test), quote(tried), quote(held), String.join(",", named), quote(Instant.now().toString()));
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record to " + FILE.toAbsolutePath(), e);
        }
    }

    private static String quote(String text) {
        var out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 ? "\\u%04x".formatted((int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
