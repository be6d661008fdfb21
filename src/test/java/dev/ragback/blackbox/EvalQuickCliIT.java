package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.testing.Processes;
import dev.ragback.testing.RagFixtures;
import dev.ragback.testing.cli.JsonShape;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * eval-quick through bin/ragback with small /bin/sh evaluators set through --set eval.command; the
 * baseline tests take a real golden set from the throwaway PostgreSQL and the Qdrant double.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class EvalQuickCliIT {
    /** The evaluator prints its scores on stdout. */
    private static final String EVALUATOR = "eval.command=[sh, evaluator.sh, \"{queries}\"]";
    /** The evaluator writes its scores to the {output} file. */
    private static final String FILE_EVALUATOR = "eval.command=[sh, evaluator.sh, \"{queries}\", \"{output}\"]";
    private static final String API_KEY = "eval-api-key-1618";
    private static final String SIGNING_KEY = "eval-baseline-signing-key-3c9f27";
    private static final ObjectMapper JSON = new ObjectMapper();

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
        evaluator("echo 'judge warming up' >&2\necho '{\"faithfulness\": 0.8433}'");
        RagbackCli.Result result = cli.run("eval-quick", "--set", EVALUATOR).assertExit(0);

        List<String> table = result.stdoutLines();
        assertEquals(List.of("METRIC", "VALUE", "THRESHOLD", "BASELINE", "PASS"), List.of(table.get(0).split("\\s+")));
        // one number of decimals for the whole table: the threshold as precise as the value
        assertEquals(List.of("faithfulness", "0.8433", "0.8000", "-", "ok"), List.of(table.get(1).split("\\s+")));
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
        Files.createDirectories(work.resolve("ops"));
        Files.writeString(work.resolve("ops/ragback.yaml"), "# found, so no 'no config file found' note\n");
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
        assertEquals("{outcome:string,passed:bool,shape:string,queries:int,rows:int,valid_rows:int,invalid_rows:int,"
                + "max_invalid:float,metrics:[{metric:string,value:float,threshold:float,baseline:null,pass:bool,"
                + "status:string,valid:int,invalid:int}|{metric:string,value:float,threshold:null,baseline:null,"
                + "pass:null,status:string,valid:int,invalid:int}],warnings:[],failure:null,golden_set:null,"
                + "baseline_recorded_at:null,recorded_baseline:null}",
                JsonShape.of(document));
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
        assertTrue(lastLine(judge).startsWith("ragback: eval.mode judge needs eval.rag_url, which is not set — "), judge.toString());
    }

    @Test
    void recordBaselineWritesIntoTheSignedGoldenSetOnlyWhenItPassesAndThePlainRunShowsIt(PgDatabase db) throws Exception {
        RagFixtures.migrate(db, "v1.1.0");
        RagFixtures.loadChunks(db, 40);
        cli.env(db.env()).env("RAGBACK_SIGNING_KEY", SIGNING_KEY);
        String id;
        try (QdrantDouble qdrant = new QdrantDouble(API_KEY)) {
            RagFixtures.loadPoints(qdrant, 40);
            RagbackCli.Result created = cli.env("QDRANT_URL", qdrant.url().toString()).env("QDRANT_API_KEY", API_KEY)
                    .run("--json", "snapshot", "create", "--golden").assertExit(0);
            id = JSON.readTree(created.stdout()).get("id").asText();
        }
        Path manifest = work.resolve("backups").resolve(id).resolve("manifest.json");
        assertFalse(JSON.readTree(manifest.toFile()).has("eval_baseline"), "a new set has no baseline");
        String untouched = Files.readString(manifest);
        evaluator("echo '{\"faithfulness\": '\"$SCORE\"', \"answer_relevancy\": 0.9}'");

        RagbackCli.Result failed = cli.env("SCORE", "0.79").run("eval-quick", "--record-baseline", "--set", EVALUATOR).assertExit(3);
        assertTrue(lastLine(failed).startsWith("ragback: eval-quick failed: faithfulness 0.79 < 0.80; baseline not recorded — "),
                failed.toString());
        assertFalse(failed.stdout().contains("baseline recorded"), failed.toString());
        assertEquals(untouched, Files.readString(manifest), "a failing evaluation records nothing");

        RagbackCli.Result recorded = cli.env("SCORE", "0.84").run("eval-quick", "--record-baseline", "--set", EVALUATOR).assertExit(0);
        assertEquals(List.of("faithfulness", "0.84", "0.80", "-", "ok"), List.of(recorded.stdoutLines().get(1).split("\\s+")),
                "the table shows the baseline as it was before this run");
        assertTrue(recorded.stdout().contains("baseline recorded in golden set " + id + ": faithfulness 0.84, answer_relevancy 0.90"),
                recorded.toString());
        String recordedManifest = Files.readString(manifest);
        JsonNode written = JSON.readTree(recordedManifest);
        assertEquals(0.84, written.at("/eval_baseline/metrics/faithfulness").asDouble());
        assertEquals(0.9, written.at("/eval_baseline/metrics/answer_relevancy").asDouble());
        assertTrue(written.at("/eval_baseline/recorded_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), written.toString());
        assertTrue(written.get("golden").asBoolean());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(manifest)));
        RagbackCli.Result verified = cli.run("snapshot", "verify", id).assertExit(0);
        assertTrue(verified.stdout().contains("manifest signature"), verified.toString());
        Process sums = new ProcessBuilder("sha256sum", "-c", "SHA256SUMS").directory(work.resolve("backups").toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, sums.waitFor());

        RagbackCli.Result plain = cli.env("SCORE", "0.81").run("eval-quick", "--set", EVALUATOR).assertExit(0);
        assertEquals(List.of("faithfulness", "0.81", "0.80", "0.84", "ok"), List.of(plain.stdoutLines().get(1).split("\\s+")),
                plain.toString());
        assertEquals(List.of("answer_relevancy", "0.90", "-", "0.90", "-"), List.of(plain.stdoutLines().get(2).split("\\s+")),
                plain.toString());
        assertTrue(plain.stdout().contains("baseline: golden set " + id + ", recorded " + written.at("/eval_baseline/recorded_at").asText()),
                plain.toString());
        assertEquals(recordedManifest, Files.readString(manifest), "a plain run records nothing");

        JsonNode document = JSON.readTree(cli.env("SCORE", "0.81").run("--json", "eval-quick", "--set", EVALUATOR).assertExit(0).stdout());
        assertEquals(0.84, document.at("/metrics/0/baseline").asDouble());
        assertEquals(id, document.get("golden_set").asText());
        assertTrue(document.get("recorded_baseline").isNull());

        String again = cli.env("SCORE", "0.85").run("--json", "eval-quick", "--record-baseline", "--set", EVALUATOR).assertExit(0).stdout();
        assertEquals("{outcome:string,passed:bool,shape:string,queries:int,rows:int,valid_rows:int,invalid_rows:int,"
                + "max_invalid:float,metrics:[{metric:string,value:float,threshold:float,baseline:float,pass:bool,status:string,"
                + "valid:int,invalid:int}|{metric:string,value:float,threshold:null,baseline:float,pass:null,status:string,"
                + "valid:int,invalid:int}],warnings:[],failure:null,golden_set:string,baseline_recorded_at:string,"
                + "recorded_baseline:{recorded_at:string,metrics:{faithfulness:float,answer_relevancy:float}}}",
                JsonShape.of(again));
    }

    @Test
    void recordBaselineWithoutAGoldenSetExits5AndDoesNotRunTheEvaluator() throws IOException {
        evaluator("touch evaluator-ran\necho '{\"faithfulness\": 0.84}'");
        RagbackCli.Result result = cli.run("eval-quick", "--record-baseline", "--set", EVALUATOR).assertExit(5);

        assertTrue(lastLine(result).startsWith("ragback: no golden snapshot set to record the baseline in; the evaluation was not run — "
                + "take one: ragback snapshot create --golden"), result.toString());
        assertFalse(Files.exists(work.resolve("evaluator-ran")), "the evaluator ran");
        assertEquals("", result.stdout());
    }
}
