package dev.sidecarinjector.inject;

import dev.sidecarinjector.inject.InjectionWarning.Kind;
import java.util.List;
import java.util.function.Supplier;

/**
 * Warnings of one kind about a pod's annotations, bounded whatever the pod holds: the first {@link #NAMED} are
 * named, each made only then; the rest are counted in one warning ({@code 12 more unknown annotations under these
 * prefixes (the first 8 are named)}).
 */
final class CappedWarnings {

    static final int NAMED = 8;

    private final Kind kind;
    private final String rest;
    private int count;

    /** {@code rest} says what the uncounted ones are, after "N more". */
    CappedWarnings(Kind kind, String rest) {
        this.kind = kind;
        this.rest = rest;
    }

    /** One more of this kind: named (made by {@code warning}) while fewer than {@link #NAMED} have been, else counted. */
    void add(List<InjectionWarning> warnings, Supplier<InjectionWarning> warning) {
        if (++count <= NAMED) {
            warnings.add(warning.get());
        }
    }

    /** The warning that counts those not named, if any. */
    void addRest(List<InjectionWarning> warnings) {
        if (count > NAMED) {
            warnings.add(new InjectionWarning(kind, (count - NAMED) + " more " + rest + " (the first " + NAMED + " are named)"));
        }
    }
}
