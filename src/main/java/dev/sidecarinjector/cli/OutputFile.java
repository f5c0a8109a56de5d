package dev.sidecarinjector.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A command's output file, replaced in one step: the text is written to a temporary file beside it, which is then
 * moved over it, so the file is either what it was or the whole new text, never a part. A new file gets the
 * permissions a shell's redirection would give it (read and write for all, less the umask); a replaced one keeps its own.
 */
final class OutputFile {

    private static final Set<PosixFilePermission> AS_REDIRECTED = PosixFilePermissions.fromString("rw-rw-rw-");

    private OutputFile() {
    }

    /**
     * Replaces {@code file} with what {@code write} appends; on any failure the file is left as it was. A symbolic
     * link is followed, as a shell's redirection follows it: the file it points to is replaced, the link stays.
     */
    static void replace(Path file, Consumer<Appendable> write) throws IOException {
        var target = Files.isSymbolicLink(file) && Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        var posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(AS_REDIRECTED)} : new FileAttribute<?>[0];
        var temporary = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp", attributes);
        try {
            try (var out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                write.accept(out);
            }
            if (posix && Files.exists(target)) {
                Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** {@link Appendable#append(CharSequence)} for a consumer that cannot throw {@link IOException}. */
    static void append(Appendable out, CharSequence text) {
        try {
            out.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
