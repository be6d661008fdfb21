package dev.ragback.app.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** eval.dataset: JSON lines of {@code {"id": …, "question": …}} plus any other fields, which are ignored. */
final class EvalDataset {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HINT = "each line of eval.dataset is a JSON object such as "
            + "{\"id\": \"q01\", \"question\": \"…\"}; ops/eval/quick.jsonl is an example";

    /** One query to evaluate. */
    record Query(String id, String question) {
    }

    private EvalDataset() {
    }

    /** The first {@code limit} queries; MALFORMED_INPUT (exit 2) naming the file and line for anything else. */
    static List<Query> read(Path file, int limit) {
        List<Query> queries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null && queries.size() < limit) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                Query query = parse(line, file + ":" + number);
                if (!ids.add(query.id())) {
                    throw bad(file + ":" + number + ": id '" + Names.printable(query.id()) + "' appears twice");
                }
                queries.add(query);
            }
        } catch (NoSuchFileException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "eval.dataset " + file + " not found",
                    "set eval.dataset to the JSONL file of queries (default ops/eval/quick.jsonl), relative to where ragback runs");
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "eval.dataset " + file + " cannot be read: " + e.getMessage(),
                    "check the file's permissions");
        }
        if (queries.isEmpty()) {
            throw bad("eval.dataset " + file + " has no queries");
        }
        return List.copyOf(queries);
    }

    private static Query parse(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw bad(where + ": not a JSON object");
        }
        if (node == null || !node.isObject()) {
            throw bad(where + ": not a JSON object");
        }
        JsonNode id = node.get("id");
        JsonNode question = node.get("question");
        if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank()) {
            throw bad(where + ": no \"id\" (a text or a number)");
        }
        if (question == null || !question.isTextual() || question.asText().isBlank()) {
            throw bad(where + ": no \"question\" text");
        }
        return new Query(id.asText(), question.asText());
    }

    private static RagbackException bad(String message) {
        return new RagbackException(RagbackException.Kind.MALFORMED_INPUT, message, HINT);
    }
}
