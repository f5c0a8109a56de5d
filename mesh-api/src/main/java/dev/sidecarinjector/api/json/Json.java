package dev.sidecarinjector.api.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser into plain Java values: {@link Map} (insertion order), {@link List}, {@link String},
 * {@link Long} or {@link Double}, {@link Boolean} and {@code null}. One value with nothing after it, duplicate keys
 * refused, nesting bounded. The proxy reads its configuration with it, so it has no dependency at all.
 */
public final class Json {

    /** Deeper than any snapshot nests; bounds the recursion on hostile input. */
    public static final int MAX_DEPTH = 64;

    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON value; anything else is a {@link JsonException} with the offset. */
    public static Object parse(String text) {
        var parser = new Json(text);
        parser.skipSpace();
        var value = parser.value(0);
        parser.skipSpace();
        if (parser.at != text.length()) {
            throw parser.error("unexpected content after the JSON value");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        if (at >= text.length()) {
            throw error("unexpected end of input");
        }
        var c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character " + describe(c));
            }
        };
    }

    private Map<String, Object> object(int depth) {
        at++;
        var map = new LinkedHashMap<String, Object>();
        skipSpace();
        if (peek() == '}') {
            at++;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            var keyAt = at;
            var key = string();
            skipSpace();
            expect(':');
            skipSpace();
            var value = value(depth + 1);
            if (map.containsKey(key)) {
                at = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            map.put(key, value);
            skipSpace();
            var c = next();
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                at--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        at++;
        var list = new ArrayList<Object>();
        skipSpace();
        if (peek() == ']') {
            at++;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value(depth + 1));
            skipSpace();
            var c = next();
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                at--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        at++;
        var out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            var c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                at--;
                throw error("control character " + describe(c) + " in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            var e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(hex4());
                default -> {
                    at--;
                    throw error("bad escape \\" + describe(e));
                }
            }
        }
    }

    private char hex4() {
        if (at + 4 > text.length()) {
            throw error("unterminated \\u escape");
        }
        var value = 0;
        for (var i = 0; i < 4; i++) {
            var digit = Character.digit(text.charAt(at + i), 16);
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            value = value << 4 | digit;
        }
        at += 4;
        return (char) value;
    }

    private Object number() {
        var start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else if (!digits()) {
            throw error("bad number");
        }
        var integral = true;
        if (peek() == '.') {
            at++;
            integral = false;
            if (!digits()) {
                throw error("bad number: digits must follow '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            if (!digits()) {
                throw error("bad number: digits must follow the exponent");
            }
        }
        var literal = text.substring(start, at);
        if (integral && literal.length() <= 18) {
            return Long.parseLong(literal);
        }
        if (literal.length() > 40) {
            at = start;
            throw error("number longer than 40 characters");
        }
        var value = Double.parseDouble(literal);
        if (Double.isInfinite(value)) {
            at = start;
            throw error("number out of range");
        }
        return value;
    }

    private boolean digits() {
        var start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at > start;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("unexpected word");
        }
        at += word.length();
        return value;
    }

    private void skipSpace() {
        while (at < text.length()) {
            var c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private char next() {
        if (at >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(at++);
    }

    private void expect(char c) {
        if (next() != c) {
            at--;
            throw error("expected '" + c + "'");
        }
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private JsonException error(String message) {
        return new JsonException(message + " at offset " + at);
    }
}
