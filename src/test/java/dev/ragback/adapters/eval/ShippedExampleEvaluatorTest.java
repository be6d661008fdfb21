package dev.ragback.adapters.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.eval.EvalPolicy;
import dev.ragback.app.eval.EvalResult;
import dev.ragback.app.eval.EvalService;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** ops/eval/quick.jsonl and the example evaluator ops/eval/quick_eval.py keep the contract ragback reads. */
class ShippedExampleEvaluatorTest {
    private static final Path EVAL_DIR = Path.of(System.getProperty("ragback.project.dir", "."), "ops", "eval");

    @Test
    void theQuickQueriesAreTwentyObjectsWithIdQuestionAndGroundTruth() throws IOException {
        List<String> lines = Files.readAllLines(EVAL_DIR.resolve("quick.jsonl"));
        assertEquals(20, lines.size());
        Set<String> ids = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode query = json.readTree(line);
            assertEquals(Set.of("id", "question", "ground_truth"), fieldNames(query), line);
            for (String field : List.of("id", "question", "ground_truth")) {
                assertFalse(query.get(field).asText().isBlank(), field + " is empty: " + line);
            }
            assertTrue(ids.add(query.get("id").asText()), "repeated id: " + line);
        }
    }

    @Test
    void theExampleEvaluatorPassesTheDefaultGateDeterministically() {
        assumeTrue(onPath("python3"), "python3 is not installed");
        CommandEvalRunner runner = new CommandEvalRunner(List.of("python3", EVAL_DIR.resolve("quick_eval.py").toString(),
                "--n", "{queries}", "--out", "{output}"), Duration.ofSeconds(60));
        EvalService service = new EvalService(runner, new EvalPolicy(20, Map.of("faithfulness", 0.80), 0.10));

        EvalResult first = service.evaluate();
        EvalResult second = service.evaluate();

        assertEquals(EvalResult.Outcome.PASSED, first.outcome(), first.toString());
        assertEquals(EvalResult.Shape.ROWS, first.shape());
        assertEquals(20, first.validRows());
        assertEquals(first.metrics(), second.metrics(), "fixed scores: every run is the same");
        assertEquals(5, service.evaluate(service.policy().withQueries(5), Map.of()).rows());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
