package dev.sidecarinjector.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * The documents of a YAML stream, one at a time, read as kubectl reads them: aliases resolved, merge keys merged
 * ({@link AliasResolvingParser}, {@link MergeKeys}), sizes bounded ({@link BoundedYamlReader}). Every error is an
 * {@link InvalidManifestException} naming the document.
 */
final class YamlDocuments implements AutoCloseable {

    private final MappingIterator<JsonNode> values;
    private int index;

    YamlDocuments(String text) {
        var reader = new BoundedYamlReader(new StringReader(text));
        try {
            values = KubernetesYaml.MAPPER.readValues(new ResolvingFactory(reader).createParser(reader), JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next document (a NullNode when it is empty), or null after the last one. */
    JsonNode next() {
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
            var where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new InvalidManifestException("document " + number + where + ": not valid YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of the document {@link #next()} returned last, from 1. */
    int index() {
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
