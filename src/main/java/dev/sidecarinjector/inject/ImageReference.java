package dev.sidecarinjector.inject;

import java.util.regex.Pattern;

/**
 * A container image reference, checked against the grammar of docker/distribution's {@code reference} package
 * (what kubelet and every registry client parse): {@code [registry[:port]/]path[:tag][@digest]}. Anything else
 * (quotes, {@code $(...)}, spaces, control or non-ASCII characters) would at best fail the image pull on every
 * node, so it is refused at admission, naming the field.
 */
public final class ImageReference {

    /** docker/distribution's NameTotalLengthMax: registry and path together. */
    static final int MAX_NAME_LENGTH = 255;
    /** Name, ":" and a 128-character tag, "@" and a digest of a 512-bit hash with a long algorithm name. */
    static final int MAX_LENGTH = MAX_NAME_LENGTH + 1 + 128 + 1 + 200;

    // Possessive quantifiers throughout: every repetition here has one way to match, and a backtracking
    // regex with nested quantifiers would take exponential time on a near miss such as "a-a-a-...-!".
    private static final String DOMAIN_COMPONENT = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*+(?<=[a-zA-Z0-9]))?+";
    private static final String HOST = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*+|\\[[a-fA-F0-9:]++\\])";
    private static final String DOMAIN = HOST + "(?::[0-9]++)?+";
    private static final String PATH_COMPONENT = "[a-z0-9]++(?:(?:[._]|__|-++)[a-z0-9]++)*+";
    private static final String PATH = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*+";
    private static final String TAG = "[\\w][\\w.-]{0,127}+";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*+(?:[-_+.][A-Za-z][A-Za-z0-9]*+)*+:[0-9a-fA-F]{32,}+";
    private static final Pattern REFERENCE = Pattern.compile(
            "(?<name>(?:" + DOMAIN + "/)?" + PATH + ")(?::" + TAG + ")?+(?:@" + DIGEST + ")?+");
    private static final String EXPECTED = " (expected [registry[:port]/]path[:tag][@digest], e.g. registry.example.com/sidecar-proxy:0.2)";

    private ImageReference() {
    }

    /** The reference, surrounding whitespace removed; the error names the field and the value. */
    public static String parse(String field, String value) {
        var image = value.strip();
        if (image.isEmpty()) {
            throw new InvalidValueException(field, value, "is not a container image reference: it is empty");
        }
        if (image.length() > MAX_LENGTH) {
            throw new InvalidValueException(field, value, "is not a container image reference: longer than " + MAX_LENGTH + " characters");
        }
        var match = REFERENCE.matcher(image);
        if (!match.matches()) {
            throw new InvalidValueException(field, value, "is not a container image reference" + EXPECTED);
        }
        if (match.group("name").length() > MAX_NAME_LENGTH) {
            throw new InvalidValueException(field, value, "is not a container image reference: its name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return image;
    }
}
