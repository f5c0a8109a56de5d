package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.Snapshot;
import java.util.List;

/** A proxy's snapshot and the problems found on the way (sorted, each once). */
public record CompileResult(Snapshot snapshot, List<Problem> problems) {
}
