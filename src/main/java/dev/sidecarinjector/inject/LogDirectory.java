package dev.sidecarinjector.inject;

import java.util.regex.Pattern;

/**
 * The app's log directory, shared with the log shipper: an absolute, normalised path that can be a mount path and
 * sit in Fluent Bit's tail pattern ({@code DIR/*.log}) as it is, so no glob, comma or space is allowed in it.
 */
public final class LogDirectory {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._@+=-]++");
    private static final int MAX_LENGTH = 1024;

    private LogDirectory() {
    }

    /** The directory; the error names the field and the value. */
    public static String parse(String field, String value) {
        if (!value.startsWith("/")) {
            throw new InvalidValueException(field, value, "is not an absolute path (expected a directory such as /var/log/app)");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidValueException(field, value, "is not a log directory: longer than " + MAX_LENGTH + " characters");
        }
        if (value.equals("/")) {
            throw new InvalidValueException(field, value, "is the root directory: the log volume would hide the container's whole filesystem");
        }
        var segments = value.substring(1).split("/", -1);
        for (var segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidValueException(field, value, "is not a normalised absolute path (no empty, \".\" or \"..\" segment, no trailing '/')");
            }
            if (!SEGMENT.matcher(segment).matches()) {
                throw new InvalidValueException(field, value, "is not a log directory: only letters, digits and . _ @ + = - are allowed between the '/'");
            }
        }
        return value;
    }
}
