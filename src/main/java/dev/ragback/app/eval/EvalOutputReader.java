package dev.ragback.app.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.app.Quotes;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.EvalRunner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads an evaluator's scores: one object of mean scores ({@code {"faithfulness": 0.84}}), or
 * per-query rows as a JSON list, as {@code {"rows": [...]}} or as JSON lines. Python's bare
 * {@code NaN} and {@code Infinity} are accepted (they become invalid scores later). Anything
 * else fails EXTERNAL with a one-line message that quotes the start of what was read.
 */
final class EvalOutputReader {
    private static final ObjectReader JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build()
            .readerFor(JsonNode.class);
    private static final int QUOTE_LENGTH = 60;
    private static final String EXPECTED = "expected {\"faithfulness\": 0.84} or a list of per-query rows";
    private static final String HINT = "make eval.command print only the scores JSON on stdout (logs on stderr) "
            + "or write it to {output}; ops/eval/quick_eval.py shows the format";

    /** The rows read; a means object is one row. */
    record Scores(EvalResult.Shape shape, List<ObjectNode> rows) {
    }

    private EvalOutputReader() {
    }

    static Scores read(EvalRunner.Output output) {
        String text = output.text() == null ? "" : output.text();
        String what = "the evaluator's " + output.source();
        if (text.isBlank()) {
            throw garbage(what + " is empty (" + EXPECTED + ")");
        }
        List<JsonNode> values = parse(text, what);
        if (values.size() > 1) {
            return rows(values, what + " (JSON lines)", text);
        }
        JsonNode single = values.get(0);
        if (single.isArray()) {
            return rows(toList(single), what, text);
        }
        if (single.isObject() && single.path("rows").isArray()) {
            return rows(toList(single.get("rows")), what + " (\"rows\")", text);
        }
        if (single.isObject()) {
            if (!hasScoreField(single)) {
                throw garbage(what + " has no numeric score: " + quote(text) + " (" + EXPECTED + ")");
            }
            return new Scores(EvalResult.Shape.MEANS, List.of((ObjectNode) single));
        }
        throw garbage(what + " is JSON but not scores: " + quote(text) + " (" + EXPECTED + ")");
    }

    private static List<JsonNode> parse(String text, String what) {
        List<JsonNode> values = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = JSON.readValues(text)) {
            while (iterator.hasNextValue()) {
                values.add(iterator.nextValue());
            }
        } catch (JsonProcessingException e) {
            throw garbage(what + " is not JSON: " + quote(text) + " (" + EXPECTED + ")");
        } catch (IOException e) {
            throw garbage(what + " cannot be read: " + e.getMessage());
        }
        if (values.isEmpty()) {
            throw garbage(what + " is empty (" + EXPECTED + ")");
        }
        return values;
    }

    private static Scores rows(List<JsonNode> values, String what, String text) {
        if (values.isEmpty()) {
            throw garbage(what + " is an empty list of rows");
        }
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (!(values.get(i) instanceof ObjectNode row)) {
                throw garbage(what + ": row " + (i + 1) + " is not an object: " + quote(text) + " (" + EXPECTED + ")");
            }
            rows.add(row);
        }
        return new Scores(EvalResult.Shape.ROWS, rows);
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static boolean hasScoreField(JsonNode object) {
        for (Iterator<JsonNode> it = object.elements(); it.hasNext(); ) {
            JsonNode value = it.next();
            if (value.isNumber() || value.isNull()) {
                return true;
            }
        }
        return false;
    }

    /** The start of what was read, on one line, quoted. */
    static String quote(String text) {
        return Quotes.oneLine(text, QUOTE_LENGTH);
    }

    private static RagbackException garbage(String message) {
        return new RagbackException(RagbackException.Kind.EXTERNAL, message, HINT);
    }
}
