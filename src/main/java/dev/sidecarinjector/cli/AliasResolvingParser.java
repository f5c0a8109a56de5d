package dev.sidecarinjector.cli;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;

/**
 * Jackson's YAML parser with aliases resolved as go-yaml (and so kubectl) resolves them. Jackson reports an alias as a
 * string holding the anchor's name; here an alias is replaced by the events of the node its anchor names, so Jackson
 * builds a copy of that node. A plain {@code <<} key is renamed {@link #MERGE_KEY}, for {@link MergeKeys} to merge
 * once the tree is built. Refused, with the line: an alias with no anchor before it in its document, an anchor that
 * contains its own alias, and more aliasing than go-yaml allows (billion laughs).
 */
final class AliasResolvingParser extends YAMLParser {

    /** What a plain {@code <<} key becomes: a YAML scalar cannot hold a NUL unless escaped, and no manifest does that. */
    static final String MERGE_KEY = "\u0000<<";
    private static final int SEQUENCE = 0;
    private static final int KEY = 1;
    private static final int VALUE = 2;

    private record Recording(String anchor, int depth, List<Event> events) {
    }

    private final BoundedYamlReader bounds;
    private final Map<String, List<Event>> anchors = new HashMap<>();
    private final ArrayDeque<Iterator<Event>> replaying = new ArrayDeque<>();
    private final List<Recording> recordings = new ArrayList<>();
    private int[] open = new int[16];
    private int depth;
    private long nodes;
    private long aliasNodes;
    private Mark replayedAlias;

    /** {@code bounds} is the reader under {@code events}: it hears how far the events got. */
    AliasResolvingParser(IOContext context, int parserFeatures, int formatFeatures, ObjectCodec codec, Reader reader,
                         ParserImpl events, BoundedYamlReader bounds) {
        super(context, parserFeatures, formatFeatures, codec, reader, events);
        this.bounds = bounds;
    }

    @Override
    protected Event getEvent() throws IOException {
        while (true) {
            Event event;
            var replayed = !replaying.isEmpty();
            if (replayed) {
                var events = replaying.peek();
                if (!events.hasNext()) {
                    replaying.pop();
                    continue;
                }
                event = events.next();
            } else {
                event = super.getEvent();
                if (event != null) {
                    bounds.eventEnded(event.getEndMark());
                }
                if (event instanceof AliasEvent alias) {
                    replayedAlias = alias.getStartMark();
                    replaying.push(resolve(alias).iterator());
                    continue;
                }
                if (event instanceof DocumentStartEvent) {
                    anchors.clear();
                } else if (event instanceof DocumentEndEvent end) {
                    bounds.documentEnded(end.getEndMark());
                }
            }
            return event == null ? null : track(event, replayed);
        }
    }

    /**
     * A plain scalar YAML 1.1 takes for a number that go-yaml, and so kubectl, reads as a string is a string here too
     * ({@code ._}, which Jackson would then call a malformed number).
     */
    @Override
    protected JsonToken _decodeScalar(ScalarEvent scalar) throws IOException {
        var token = super._decodeScalar(scalar);
        if ((token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) && scalar.getTag() == null
                && scalar.getImplicit().canOmitTagInPlainScalar() && !KubernetesYaml.goYamlReadsAsAnotherType(scalar.getValue())) {
            _textValue = scalar.getValue();
            _cleanedTextValue = null;
            return JsonToken.VALUE_STRING;
        }
        return token;
    }

    private List<Event> resolve(AliasEvent alias) {
        var name = alias.getAnchor();
        if (recordings.stream().anyMatch(r -> r.anchor().equals(name))) {
            throw new InvalidManifestException(at(alias.getStartMark()) + "alias *" + name + " is inside the node its anchor &" + name
                    + " names: it would contain itself");
        }
        var events = anchors.get(name);
        if (events == null) {
            throw new InvalidManifestException(at(alias.getStartMark()) + "alias *" + name + " has no anchor &" + name
                    + " before it in this document");
        }
        return events;
    }

    /** Counts, records and passes on one event: a node, or the end of a collection. */
    private Event track(Event read, boolean replayed) {
        var event = read;
        if (read instanceof NodeEvent node) {
            count(replayed, replayed ? replayedAlias : read.getStartMark());
            if (read instanceof ScalarEvent scalar && depth > 0 && open[depth - 1] == KEY && isMergeKey(scalar)) {
                event = new ScalarEvent(null, null, scalar.getImplicit(), MERGE_KEY, scalar.getStartMark(), scalar.getEndMark(),
                        DumperOptions.ScalarStyle.PLAIN);
            }
            if (!replayed && node.getAnchor() != null) {
                recordings.add(new Recording(node.getAnchor(), depth, new ArrayList<>()));
            }
            for (var recording : recordings) {
                recording.events().add(event);
            }
            if (event instanceof ScalarEvent) {
                nodeDone();
            } else {
                push(event instanceof MappingStartEvent ? KEY : SEQUENCE);
            }
        } else if (read instanceof CollectionEndEvent) {
            for (var recording : recordings) {
                recording.events().add(read);
            }
            depth--;
            nodeDone();
        }
        return event;
    }

    /** A node is complete: a mapping now expects the other half of its pair; anchors whose node this was are defined. */
    private void nodeDone() {
        if (depth > 0 && open[depth - 1] != SEQUENCE) {
            open[depth - 1] = open[depth - 1] == KEY ? VALUE : KEY;
        }
        for (var i = recordings.size() - 1; i >= 0 && recordings.get(i).depth() == depth; i--) {
            var done = recordings.remove(i);
            anchors.put(done.anchor(), List.copyOf(done.events()));
        }
    }

    private void push(int kind) {
        if (depth == open.length) {
            open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = kind;
    }

    private static boolean isMergeKey(ScalarEvent scalar) {
        return scalar.getValue().equals("<<") && (scalar.getTag() == null ? scalar.getImplicit().canOmitTagInPlainScalar()
                : scalar.getTag().equals("tag:yaml.org,2002:merge"));
    }

    /**
     * go-yaml's bound (decode.go, allowedAliasRatio), counted over the whole input rather than per document so that
     * many small documents cannot add up: past 1,000 values and 100 from aliases, at most 99 % may come from aliases
     * up to 400,000 values, falling to 10 % at 4,000,000.
     */
    private void count(boolean fromAlias, Mark mark) {
        nodes++;
        if (fromAlias) {
            aliasNodes++;
        }
        if (aliasNodes > 100 && nodes > 1000 && (double) aliasNodes / nodes > allowedAliasRatio(nodes)) {
            throw new InvalidManifestException(at(mark) + "excessive aliasing: " + aliasNodes + " of the " + nodes
                    + " values read so far come from aliases (more than go-yaml, and so kubectl, allows: a billion laughs?)");
        }
    }

    private static double allowedAliasRatio(long nodes) {
        if (nodes <= 400_000) {
            return 0.99;
        }
        if (nodes >= 4_000_000) {
            return 0.10;
        }
        return 0.99 - 0.89 * ((nodes - 400_000) / 3_600_000.0);
    }

    private static String at(Mark mark) {
        return mark == null ? "" : "line " + (mark.getLine() + 1) + ": ";
    }
}
