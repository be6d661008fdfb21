package dev.ragback.testing.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fake RAG service and the fake judge answer, one JSON line per query; the same file is
 * the eval.dataset ragback reads (it ignores the extra fields):
 * <pre>{@code
 * {"id": "q01", "question": "…", "answer": "…", "contexts": ["…"],
 *  "statements": ["s1", "s2"], "verdicts": {"s1": 1, "s2": 0},
 *  "faults": {"rag": "error_500", "statements": "rate_limit_once", "verdicts": "not_json"}}
 * }</pre>
 * A statement missing from {@code verdicts} is left out of the judge's answer (a shorter verdict list).
 * Faults: see {@link FakeOpenAiServer} and {@link FakeRagService}.
 */
public record JudgeFixture(List<Entry> entries) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One query's answers. */
    public record Entry(String id, String question, String answer, List<String> contexts, List<String> statements,
                        Map<String, JsonNode> verdicts, Map<String, String> faults) {
        public String fault(String stage) {
            return faults.get(stage);
        }
    }

    public static JudgeFixture read(Path file) {
        try {
            List<Entry> entries = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    entries.add(entry(JSON.readTree(line)));
                }
            }
            return new JudgeFixture(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Entry entry(JsonNode node) {
        List<String> contexts = new ArrayList<>();
        node.path("contexts").forEach(c -> contexts.add(c.asText()));
        List<String> statements = new ArrayList<>();
        node.path("statements").forEach(s -> statements.add(s.asText()));
        Map<String, JsonNode> verdicts = new LinkedHashMap<>();
        node.path("verdicts").fields().forEachRemaining(e -> verdicts.put(e.getKey(), e.getValue()));
        Map<String, String> faults = new LinkedHashMap<>();
        node.path("faults").fields().forEachRemaining(e -> faults.put(e.getKey(), e.getValue().asText()));
        return new Entry(node.path("id").asText(), node.path("question").asText(), node.path("answer").asText(), contexts,
                statements, verdicts, faults);
    }

    /** Writes the fixture back as JSON lines (tests build fixtures in code, then point ragback at the file). */
    public Path write(Path file) {
        StringBuilder text = new StringBuilder();
        for (Entry entry : entries) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", entry.id());
            line.put("question", entry.question());
            line.put("answer", entry.answer());
            line.put("contexts", entry.contexts());
            line.put("statements", entry.statements());
            line.put("verdicts", entry.verdicts());
            line.put("faults", entry.faults());
            try {
                text.append(JSON.writeValueAsString(line)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Entry byQuestion(String question) {
        return entries.stream().filter(e -> e.question().equals(question)).findFirst().orElse(null);
    }

    public Entry byAnswer(String answer) {
        return entries.stream().filter(e -> e.answer().equals(answer)).findFirst().orElse(null);
    }

    public Entry byStatement(String statement) {
        return entries.stream().filter(e -> e.statements().contains(statement)).findFirst().orElse(null);
    }
}
