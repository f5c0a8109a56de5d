package dev.sidecarinjector.api.text;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.function.Predicate;

/**
 * The innermost cause of a failure, which usually says what went wrong in the fewest words ({@code "Address already in
 * use"} under two layers of wrapping). A chain that loops back on itself ends where it would repeat.
 */
public final class RootCause {

    private RootCause() {
    }

    /** The last throwable of {@code failure}'s cause chain ({@code failure} itself when it has no cause). */
    public static Throwable of(Throwable failure) {
        var seen = Collections.newSetFromMap(new IdentityHashMap<Throwable, Boolean>());
        var root = failure;
        seen.add(root);
        while (root.getCause() != null && seen.add(root.getCause())) {
            root = root.getCause();
        }
        return root;
    }

    /** The root cause's message, or its class's simple name when it has none. */
    public static String message(Throwable failure) {
        var root = of(failure);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** The root cause's class's simple name and its message: {@code "UnsatisfiedLinkError: no netty_tcnative"}. */
    public static String described(Throwable failure) {
        var root = of(failure);
        var name = root.getClass().getSimpleName();
        return root.getMessage() == null ? name : name + ": " + root.getMessage();
    }

    /** Whether {@code failure} or any of its causes is a {@code type}. */
    public static boolean anyIs(Throwable failure, Class<? extends Throwable> type) {
        return any(failure, type::isInstance);
    }

    /** Whether {@code failure} or any of its causes passes {@code test}. */
    public static boolean any(Throwable failure, Predicate<? super Throwable> test) {
        var seen = Collections.newSetFromMap(new IdentityHashMap<Throwable, Boolean>());
        for (var cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (test.test(cause)) {
                return true;
            }
        }
        return false;
    }
}
