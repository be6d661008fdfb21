package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.Processes;
import dev.ragback.testing.cli.RagbackCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** eval-quick through bin/ragback with small /bin/sh evaluators set through --set eval.command. */
class EvalQuickCliIT {
    /** The evaluator prints its scores on stdout. */
    private static final String EVALUATOR = "eval.command=[sh, evaluator.sh, \"{queries}\"]";
    /** The evaluator writes its scores to the {output} file. */
    private static final String FILE_EVALUATOR = "eval.command=[sh, evaluator.sh, \"{queries}\", \"{output}\"]";

    @TempDir
    Path work;

    private RagbackCli cli;

    @BeforeEach
    void setUp() {
        cli = RagbackCli.create().workDir(work);
    }

    /** Writes the evaluator; it gets the number of queries as $1 and, with FILE_EVALUATOR, the {output} path as $2. */
    private void evaluator(String body) throws IOException {
        Files.writeString(work.resolve("evaluator.sh"), body + "\n");
    }

    private static String lastLine(RagbackCli.Result result) {
        List<String> lines = result.stderrLines();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Test
    void meanFaithfulnessAboveThresholdPasses() throws IOException {
        evaluator("echo 'judge warming up' >&2\necho '{\"faithfulness\": 0.84}'");
        RagbackCli.Result result = cli.run("eval-quick", "--set", EVALUATOR).assertExit(0);

        List<String> table = result.stdoutLines();
        assertEquals(List.of("METRIC", "VALUE", "THRESHOLD", "BASELINE", "PASS"), List.of(table.get(0).split("\\s+")));
        assertEquals(List.of("faithfulness", "0.84", "0.80", "-", "ok"), List.of(table.get(1).split("\\s+")));
        assertTrue(table.get(2).startsWith("outcome: PASSED ("), result.toString());
        assertFalse(result.stdout().contains("judge warming up"), "the evaluator's stderr never reaches our stdout");
    }

    @Test
    void meanFaithfulnessBelowThresholdExits3NamingValueAndThreshold() throws IOException {
        evaluator("echo '{\"faithfulness\": 0.79}'");
        RagbackCli.Result result = cli.run("eval-quick", "--set", EVALUATOR).assertExit(3);

        assertTrue(result.stdout().contains("outcome: FAILED"), result.toString());
        assertTrue(lastLine(result).startsWith("ragback: eval-quick failed: faithfulness 0.79 < 0.80 — "), result.toString());
    }

    @Test
    void twentyRowsWithThreeNanAreInconclusiveExit3() throws IOException {
        StringBuilder rows = new StringBuilder("[");
        for (int i = 1; i <= 20; i++) {
            rows.append(i > 1 ? ",\n" : "").append("{\"id\": \"q").append(i).append("\", \"faithfulness\": ")
                    .append(i <= 3 ? "NaN" : "0.9").append('}');
        }
        Files.writeString(work.resolve("rows.json"), rows.append(']').toString());
        evaluator("test \"$1\" = 20 && cp rows.json \"$2\"");
        RagbackCli.Result result = cli.run("eval-quick", "--set", FILE_EVALUATOR).assertExit(3);

        assertTrue(result.stdout().contains("outcome: INCONCLUSIVE (20 rows for 20 queries: 17 valid, 3 invalid)"), result.toString());
        assertTrue(lastLine(result).startsWith("ragback: eval-quick is inconclusive: faithfulness has 3 of 20 rows invalid (15 % > 10 %) — "),
                result.toString());
    }

    @Test
    void anEvaluatorHangingPastTheTimeoutExits1AndLeavesNoProcessBehind() throws IOException {
        evaluator("""
                echo $$ >> pids
                sleep 300 &
                echo $! >> pids
                sh -c 'echo $$ >> pids; sleep 300 & echo $! >> pids; wait' &
                wait""");
        RagbackCli.Result result = cli.run("eval-quick", "--set", EVALUATOR, "--set", "eval.timeout=2s").assertExit(1);

        assertTrue(lastLine(result).startsWith("ragback: evaluator timed out after 2s"), result.toString());
        List<Long> tree = new ArrayList<>();
        Files.readAllLines(work.resolve("pids")).forEach(line -> tree.add(Long.parseLong(line.strip())));
        assertEquals(4, tree.size(), "the evaluator started its tree before the timeout: " + tree);
        for (long pid : tree) {
            assertFalse(Processes.running(pid), "process " + pid + " of the evaluator's tree is still running");
        }
    }

    @Test
    void garbageOutputExits1WithOneClearLine() throws IOException {
        evaluator("echo 'Traceback (most recent call last):'\necho '  File \"eval.py\", line 1'");
        RagbackCli.Result result = cli.run("eval-quick", "--set", EVALUATOR).assertExit(1);

        assertEquals(1, result.stderrLines().size(), result.toString());
        assertTrue(lastLine(result).startsWith("ragback: the evaluator's stdout is not JSON: 'Traceback (most recent call last): File"),
                result.toString());
        assertTrue(lastLine(result).contains("{\"faithfulness\": 0.84} or a list of per-query rows"), result.toString());
        assertEquals("", result.stdout());
    }

    @Test
    void jsonPrintsOneDocumentWhetherTheGatePassesOrNot() throws IOException {
        evaluator("echo 'noise on stderr' >&2\necho '{\"faithfulness\": '\"$SCORE\"', \"answer_relevancy\": 0.9}'");
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

        RagbackCli.Result passed = cli.env("SCORE", "0.84").run("--json", "eval-quick", "--set", EVALUATOR).assertExit(0);
        JsonNode document = strict.readTree(passed.stdout());
        assertEquals("PASSED", document.get("outcome").asText());
        JsonNode faithfulness = document.get("metrics").get(0);
        assertEquals("faithfulness", faithfulness.get("metric").asText());
        assertEquals(0.84, faithfulness.get("value").asDouble());
        assertEquals(0.80, faithfulness.get("threshold").asDouble());
        assertTrue(faithfulness.get("baseline").isNull());
        assertTrue(faithfulness.get("pass").asBoolean());
        assertEquals("answer_relevancy", document.get("metrics").get(1).get("metric").asText());
        assertEquals(1, document.get("valid_rows").asInt());

        RagbackCli.Result failed = cli.env("SCORE", "0.84")
                .run("--json", "eval-quick", "--min-faithfulness", "0.9", "--set", EVALUATOR).assertExit(3);
        JsonNode failure = strict.readTree(failed.stdout());
        assertEquals("FAILED", failure.get("outcome").asText());
        assertEquals("faithfulness 0.84 < 0.90", failure.get("failure").asText());
    }

    @Test
    void noEvalCommandOrJudgeModeExits2() {
        RagbackCli.Result unset = cli.run("eval-quick").assertExit(2);
        assertTrue(lastLine(unset).startsWith("ragback: eval.command is not set — set eval.command in ops/ragback.yaml"), unset.toString());

        RagbackCli.Result judge = cli.run("eval-quick", "--set", "eval.mode=judge", "--set", EVALUATOR).assertExit(2);
        assertEquals("ragback: eval.mode judge is not supported yet; use command", lastLine(judge), judge.toString());
    }
}
