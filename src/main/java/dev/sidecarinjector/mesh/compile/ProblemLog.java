package dev.sidecarinjector.mesh.compile;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reports each problem once: a resource that stays invalid across changes is not reported again; one that is
 * fixed and broken again is. Pure: the caller says where a line goes (the log, a Kubernetes Event). Keeps the last
 * report whole for whoever asks what is wrong now.
 */
public final class ProblemLog {

    private Set<Problem> reported = Set.of();
    private volatile List<Problem> current = List.of();

    /** Reports the problems of {@code current} not reported for the previous call; returns how many. */
    public synchronized int report(List<Problem> current, Consumer<Problem> sink) {
        var now = new HashSet<>(current);
        var count = 0;
        for (var problem : current) {
            if (!reported.contains(problem)) {
                sink.accept(problem);
                count++;
            }
        }
        reported = now;
        this.current = List.copyOf(current);
        return count;
    }

    /** Every problem of the last report, reported or not this time: what {@code GET /debug/problemz} lists. */
    public List<Problem> current() {
        return current;
    }
}
