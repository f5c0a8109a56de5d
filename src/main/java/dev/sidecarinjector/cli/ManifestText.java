package dev.sidecarinjector.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Manifests as text (kube-inject's input, the mesh directory's files), read as go-yaml (and so kubectl) reads them:
 * UTF-8, or UTF-16 when a byte order mark says so. A byte that is not valid in that encoding, or a control character
 * YAML does not allow, is an error naming its offset and line, never a silent U+FFFD; more than the limit is an error
 * before anything is parsed.
 */
public final class ManifestText {

    private ManifestText() {
    }

    /** At most {@code maxBytes} from {@code in}, decoded; an {@link InvalidManifestException} when larger or not text. */
    static String read(InputStream in, int maxBytes) throws IOException {
        var bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return decode(bytes, "input");
    }

    static InvalidManifestException tooLarge(int maxBytes) {
        return new InvalidManifestException("input is larger than " + maxBytes / (1024 * 1024) + " MiB (--max-input-mib): "
                + "split it, or raise the limit (a larger input may need a larger Java heap)");
    }

    /**
     * {@code bytes} as text, as kubectl reads a manifest; {@code subject} names them in the error ({@code input}, a
     * file's name).
     */
    public static String decode(byte[] bytes, String subject) {
        if (startsWith(bytes, 0x00, 0x00, 0xfe, 0xff) || startsWith(bytes, 0xff, 0xfe, 0x00, 0x00)) {
            throw new InvalidManifestException(subject + " is UTF-32 (it starts with a UTF-32 byte order mark): "
                    + "only UTF-8 and UTF-16 are read, as kubectl reads them");
        }
        Charset charset = StandardCharsets.UTF_8;
        var start = 0;
        if (startsWith(bytes, 0xef, 0xbb, 0xbf)) {
            start = 3;
        } else if (startsWith(bytes, 0xfe, 0xff)) {
            charset = StandardCharsets.UTF_16BE;
            start = 2;
        } else if (startsWith(bytes, 0xff, 0xfe)) {
            charset = StandardCharsets.UTF_16LE;
            start = 2;
        }
        if (charset == StandardCharsets.UTF_8) {
            withoutMark(bytes, start, subject);
        }
        check(bytes, start, charset, subject);
        if (charset == StandardCharsets.UTF_8) {
            controlCharacter(bytes, start, subject);
        }
        return new String(bytes, start, bytes.length - start, charset);
    }

    /**
     * UTF-16 without a byte order mark, which kubectl does not read either: a NUL beside another byte at the start (the
     * high byte of the first character, text's first character being ASCII), named before the bytes are read as UTF-8.
     */
    private static void withoutMark(byte[] bytes, int start, String subject) {
        if (bytes.length - start >= 2 && (bytes[start] == 0) != (bytes[start + 1] == 0)) {
            throw new InvalidManifestException(subject + " looks like " + (bytes[start] == 0 ? "UTF-16BE" : "UTF-16LE")
                    + " without a byte order mark (a NUL at offset " + (bytes[start] == 0 ? start : start + 1) + "): "
                    + "save it as UTF-8, or as UTF-16 with a byte order mark");
        }
    }

    /**
     * Refuses a control character YAML does not allow (all of C0 but tab, line feed and carriage return, and DEL),
     * found in UTF-8 by its byte alone, with its offset and line.
     */
    private static void controlCharacter(byte[] bytes, int start, String subject) {
        for (var i = start; i < bytes.length; i++) {
            var b = bytes[i];
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f) {
                throw new InvalidManifestException(subject + " has the control character " + String.format(Locale.ROOT, "0x%02X", b)
                        + " at offset " + i + " (line " + (1 + countLineFeeds(bytes, start, i)) + "), which YAML does not allow");
            }
        }
    }

    private static long countLineFeeds(byte[] bytes, int from, int to) {
        var count = 0L;
        for (var i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                count++;
            }
        }
        return count;
    }

    /** Decodes into a small window, only to find the first byte that is not valid: the String is made once, afterwards. */
    private static void check(byte[] bytes, int start, Charset charset, String subject) {
        var decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        var in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        var window = CharBuffer.allocate(8192);
        while (true) {
            var result = decoder.decode(in, window, true);
            if (result.isError()) {
                throw notValid(bytes, start, in.position(), result.length(), charset, subject);
            }
            window.clear();
            if (result.isUnderflow()) {
                break;
            }
        }
        try {
            decoder.flush(window);
        } catch (RuntimeException e) {
            throw new InvalidManifestException(subject + " is not valid " + charset.name() + ": " + e.getMessage());
        }
    }

    private static InvalidManifestException notValid(byte[] bytes, int start, int offset, int length, Charset charset, String subject) {
        var shown = new StringBuilder();
        for (var i = offset; i < Math.min(offset + length, bytes.length); i++) {
            shown.append(shown.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "0x%02X", bytes[i] & 0xff));
        }
        var line = 1 + new String(bytes, start, offset - start, charset).chars().filter(c -> c == '\n').count();
        var bom = start > 0 && charset != StandardCharsets.UTF_8 ? " (it starts with a UTF-16 byte order mark)" : "";
        return new InvalidManifestException(subject + " is not valid " + charset.name() + bom + ": byte " + (length > 1 ? "sequence " : "")
                + shown + " at offset " + offset + " (line " + line + ")");
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (var i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
