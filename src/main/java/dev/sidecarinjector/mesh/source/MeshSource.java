package dev.sidecarinjector.mesh.source;

import dev.sidecarinjector.mesh.compile.Problem;
import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.List;

/** Where the mesh's resources come from: the latest consistent {@link MeshIndex}, and news of the next ones. */
public interface MeshSource extends AutoCloseable {

    /** The latest index; {@link MeshIndex#EMPTY} before the first. */
    MeshIndex current();

    /** Whether the first complete view has been read (every informer synced, or the directory read once). */
    boolean ready();

    /** Problems found while reading (documents that could not be read), for the log. */
    List<Problem> readProblems();

    void addListener(MeshIndexListener listener);

    /** For the startup log: {@code directory /etc/mesh (12 objects)}. */
    String describe();

    @Override
    void close();
}
