package dev.sidecarinjector.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * The documents of a YAML stream, one at a time, read as kubectl reads them: aliases resolved, merge keys merged
 * ({@link AliasResolvingParser}, {@link MergeKeys}), sizes bounded ({@link BoundedYamlReader}). Every error is an
 * {@link InvalidManifestException} naming the document; a key written twice in one mapping is one, as kubectl refuses
 * it ({@code mapping key "timeout" already defined}). kube-inject and the mesh's directory source read their YAML with it.
 */
public final class YamlDocuments implements AutoCloseable {

    /** Jackson's words for a key read twice into one tree; said here as go-yaml (and so kubectl) says it. */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)' for `ObjectNode`");

    private final MappingIterator<JsonNode> values;
    private int index;

    public YamlDocuments(String text) {
        var reader = new BoundedYamlReader(new StringReader(text));
        var documents = KubernetesYaml.MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        try {
            values = documents.readValues(new ResolvingFactory(reader).createParser(reader));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next document (a NullNode when it is empty), or null after the last one. */
    public JsonNode next() {
        var number = index + 1;
        try {
            if (!values.hasNextValue()) {
                return null;
            }
            var document = values.nextValue();
            index = number;
            return document == null ? null : MergeKeys.apply(document, "");
        } catch (InvalidManifestException e) {
            throw new InvalidManifestException("document " + number + ": " + e.getMessage());
        } catch (JsonProcessingException e) {
            var duplicate = DUPLICATE.matcher(e.getOriginalMessage());
            if (duplicate.lookingAt()) {
                throw new InvalidManifestException("document " + number + where(e) + ": mapping key \"" + duplicate.group(1) + "\" already defined");
            }
            throw new InvalidManifestException("document " + number + where(e) + ": not valid YAML: " + problem(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SnakeYAML's own line (where the problem is), else Jackson's (where it stopped). */
    private static String where(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return " (line " + (marked.getProblemMark().getLine() + 1) + ", column " + (marked.getProblemMark().getColumn() + 1) + ")";
        }
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    /** SnakeYAML's problem without its own copy of the position, else the first line of Jackson's message. */
    private static String problem(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
            return (marked.getContext() == null ? "" : marked.getContext() + ": ") + marked.getProblem();
        }
        return e.getOriginalMessage().lines().findFirst().orElse("");
    }

    /** The number of the document {@link #next()} returned last, from 1. */
    public int index() {
        return index;
    }

    @Override
    public void close() throws IOException {
        values.close();
    }

    /** Builds an {@link AliasResolvingParser} that tells the reader how far it got. */
    private static final class ResolvingFactory extends YAMLFactory {
        private final BoundedYamlReader bounds;

        ResolvingFactory(BoundedYamlReader bounds) {
            super(KubernetesYaml.MAPPER.getFactory(), null);
            this.bounds = bounds;
        }

        @Override
        protected YAMLParser _createParser(Reader reader, IOContext context) {
            var options = new LoaderOptions();
            options.setCodePointLimit(Integer.MAX_VALUE);
            return new AliasResolvingParser(context, _parserFeatures, _yamlParserFeatures, _objectCodec, reader,
                    new ParserImpl(new StreamReader(reader), options), bounds);
        }
    }
}
