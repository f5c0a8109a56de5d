package dev.sidecarinjector.hardening;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a hardening test tried and what held, with the figures it measured, appended as one JSON line to
 * {@code target/reliability/webhook.jsonl} once its assertions passed; {@code make reliability} turns the lines
 * into docs/reliability.md (hack/reliability-report.py).
 */
final class ReliabilityLog {

    private static final Path FILE = Path.of("target/reliability/webhook.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReliabilityLog() {
    }

    /** {@code figures} in the order given, e.g. {@code "slow clients", 50, "slowest admission ms", 41}. */
    static void record(String test, String tried, String held, Object... figures) {
        var line = new LinkedHashMap<String, Object>();
        line.put("suite", "webhook");
        line.put("test", test);
        line.put("tried", tried);
        line.put("held", held);
        var named = new LinkedHashMap<String, Object>();
        for (var i = 0; i + 1 < figures.length; i += 2) {
            named.put(String.valueOf(figures[i]), figures[i + 1]);
        }
        line.put("figures", named);
        line.put("at", Instant.now().toString());
        append(line);
    }

    private static synchronized void append(Map<String, Object> line) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record to " + FILE.toAbsolutePath(), e);
        }
    }
}
