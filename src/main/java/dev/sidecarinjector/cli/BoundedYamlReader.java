package dev.sidecarinjector.cli;

import java.io.IOException;
import java.io.Reader;
import org.yaml.snakeyaml.error.Mark;

/**
 * The text as SnakeYAML reads it, refused as soon as one document or one value is larger than Kubernetes could ever
 * store. Refusing early is the point: SnakeYAML copies its read-ahead window for every 1,024 characters of a token,
 * so a single 20 MB scalar cost minutes before its own per-document limit was checked.
 */
final class BoundedYamlReader extends Reader {

    /** kube-apiserver takes at most 3 MiB in one request, so no larger document can be applied. */
    static final int MAX_DOCUMENT_CODE_POINTS = 3 * 1024 * 1024;
    /** etcd stores at most 1.5 MiB for a whole object, so no single value can be larger. */
    static final int MAX_VALUE_CODE_POINTS = 3 * 1024 * 1024 / 2;

    private final Reader in;
    private long read;
    private long documentStart;
    private Mark lastEvent;

    BoundedYamlReader(Reader in) {
        this.in = in;
    }

    /** The parser passed the end of a document: the next one counts from here. */
    void documentEnded(Mark end) {
        documentStart = end.getIndex();
    }

    /** The parser handed on an event ending here: what is read past it belongs to the value being scanned. */
    void eventEnded(Mark end) {
        lastEvent = end;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        var count = in.read(buffer, offset, length);
        for (var i = offset; i < offset + count; i++) {
            if (!Character.isLowSurrogate(buffer[i])) {
                read++;
            }
        }
        if (read - documentStart > MAX_DOCUMENT_CODE_POINTS) {
            throw new InvalidManifestException("larger than 3 MiB (" + MAX_DOCUMENT_CODE_POINTS + " characters): "
                    + "kube-apiserver accepts at most 3 MiB in one request");
        }
        if (lastEvent != null && read - lastEvent.getIndex() > MAX_VALUE_CODE_POINTS) {
            throw new InvalidManifestException("line " + (lastEvent.getLine() + 1) + ": the value starting here is larger than 1.5 MiB ("
                    + MAX_VALUE_CODE_POINTS + " characters): etcd stores at most 1.5 MiB for a whole object");
        }
        return count;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
