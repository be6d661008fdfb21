package dev.ragback.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.ragback.testing.RollbackStage;
import dev.ragback.testing.cli.JsonShape;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.judge.FakeOpenAiServer;
import dev.ragback.testing.judge.FakeRagService;
import dev.ragback.testing.judge.JudgeFixture;
import dev.ragback.testing.judge.OpenAiContract;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.qdrant.QdrantDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * eval.mode judge through bin/ragback against the fake RAG service and the fake OpenAI-compatible
 * judge (started here, on loopback): eval-quick's table, JSON and audit file, the faults that end
 * the run, and rollback auto gating on the judge's score.
 */
@ExtendWith(PostgresExtension.class)
@BlackBox
class JudgeEvalCliIT {
    private static final Path SCORE_CHECK = RagbackCli.projectDir().resolve("src/test/resources/dev/ragback/judge/score-check.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String judgeKey = "judge-KEY-" + Long.toHexString(System.nanoTime());
    private final String ragAuth = "Bearer rag-AUTH-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path work;

    private final List<AutoCloseable> open = new ArrayList<>();
    private FakeOpenAiServer judge;
    private FakeRagService rag;
    private RagbackCli cli;

    @BeforeEach
    void setUp() {
        cli = RagbackCli.create().workDir(work).env("EVAL_JUDGE_API_KEY", judgeKey).env("EVAL_RAG_AUTH", ragAuth);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    /** Starts the fakes on {@code fixture} and writes ops/ragback.yaml in judge mode with it as the dataset, plus {@code moreEval}. */
    private void judgeMode(JudgeFixture fixture, Path dataset, String moreEval, String moreYaml) throws IOException {
        rag = new FakeRagService(fixture).requireAuth(ragAuth);
        judge = new FakeOpenAiServer(fixture).requireKey(judgeKey);
        open.add(rag);
        open.add(judge);
        Files.createDirectories(work.resolve("ops"));
        Files.writeString(work.resolve("ops/ragback.yaml"), "eval:\n  mode: judge\n  dataset: " + dataset + "\n  rag_url: " + rag.url()
                + "\n  judge_url: " + judge.baseUrl() + "\n  judge_model: fake-judge\n" + moreEval + moreYaml);
    }

    private static String lastLine(RagbackCli.Result result) {
        List<String> lines = result.stderrLines();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static void noStackTrace(RagbackCli.Result result) {
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), result.toString());
    }

    @Test
    void evalQuickPrintsARowPerQueryTheGateAndTheAuditFileAndTheJsonHoldsTheExactScore() throws Exception {
        judgeMode(JudgeFixture.read(SCORE_CHECK), SCORE_CHECK, "", "");
        RagbackCli.Result result = cli.run("eval-quick", "--min-faithfulness", "0.75").assertExit(0);

        List<String> lines = result.stdoutLines();
        assertEquals(List.of("ID", "STATEMENTS", "VERDICTS", "SUPPORTED", "SCORE"), List.of(lines.get(0).split("\\s+")));
        assertEquals(List.of("q04", "4", "2", "2", "1.00"), List.of(lines.get(4).split("\\s+")));
        assertEquals("q05   0          -        -         NaN (the judge found no statements in the answer)", lines.get(5));
        assertEquals(List.of("q06", "4", "4", "2", "0.50"), List.of(lines.get(6).split("\\s+")));
        assertEquals(List.of("faithfulness", "0.75", "0.75", "-", "ok"), List.of(lines.get(23).split("\\s+")));
        assertEquals("outcome: PASSED (20 queries: 18 valid, 2 NaN; eval.max_invalid 10 %)", lines.get(24));
        assertEquals("judge: model fake-judge at " + judge.baseUrl() + " (json_schema)", lines.get(25));
        assertTrue(lines.get(26).matches("audit: " + java.util.regex.Pattern.quote(work + "/ops/state/eval/eval_") + "\\d{8}-\\d{6}\\.jsonl"), lines.get(26));
        Path audit = work.resolve(lines.get(26).substring("audit: ".length()));
        assertEquals(1 + 20 * 4 - 2 + 1, Files.readAllLines(audit).size(), "run, 4 lines per query (no verdicts for q05, q11), finished");

        JsonNode document = JSON.readTree(cli.run("--json", "eval-quick").assertExit(3).stdout());
        assertEquals("{outcome:string,passed:bool,shape:string,queries:int,rows:int,valid_rows:int,invalid_rows:int,"
                + "max_invalid:float,metrics:[{metric:string,value:float,threshold:float,baseline:null,pass:bool,"
                + "status:string,valid:int,invalid:int}],warnings:[],failure:string,golden_set:null,"
                + "baseline_recorded_at:null,recorded_baseline:null,mode:string,judge:string,response_format:string,"
                + "audit_file:string,query_rows:[{id:string,statements:int,verdicts:int,supported:int,score:float,"
                + "reason:null}|{id:string,statements:int,verdicts:null,supported:null,score:null,reason:string}]}",
                JsonShape.of(document));
        assertEquals(0.75, document.at("/metrics/0/value").asDouble(), 0.0);
        assertEquals("FAILED", document.get("outcome").asText(), "0.75 < the default 0.80");
        assertEquals(20, document.get("query_rows").size());
        assertTrue(document.at("/query_rows/4/score").isNull());
        assertEquals("the judge found no statements in the answer", document.at("/query_rows/4/reason").asText());
        assertTrue(document.get("audit_file").asText().startsWith(work + "/ops/state/eval/eval_"));

        assertTrue(rag.received().stream().allMatch(r -> List.of(ragAuth).equals(r.headers().get("authorization"))),
                "EVAL_RAG_AUTH is the RAG service's Authorization header");
        for (Path file : auditFiles()) {
            String text = Files.readString(file);
            assertFalse(text.contains(judgeKey) || text.contains(ragAuth.substring(7)), "no secret in " + file);
        }
        assertFalse((result.stdout() + result.stderr()).contains(judgeKey));
        assertEquals(List.of(), OpenAiContract.load().problems(judge));
    }

    @Test
    void aRagServiceThatIsDownExits1NamingIt() throws Exception {
        judgeMode(JudgeFixture.read(SCORE_CHECK), SCORE_CHECK, "", "");
        rag.close();
        RagbackCli.Result result = cli.run("eval-quick", "--set", "eval.retries=1").assertExit(1);
        assertTrue(lastLine(result).startsWith("ragback: cannot reach the RAG service at " + rag.url() + ": "), result.toString());
        assertTrue(lastLine(result).contains("start the RAG service, or fix eval.rag_url"), result.toString());
        noStackTrace(result);
    }

    @Test
    void moreNanRowsThanMaxInvalidAreInconclusiveExit3AndATimedOutJudgeIsANanRow() throws Exception {
        List<JudgeFixture.Entry> entries = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            Map<String, String> faults = i <= 2 ? Map.of("statements", "hang") : i == 3 ? Map.of("verdicts", "not_json") : Map.of();
            entries.add(entry("q" + i, faults, 1));
        }
        JudgeFixture fixture = new JudgeFixture(entries);
        judgeMode(fixture, fixture.write(work.resolve("dataset.jsonl")), "  timeout: 2s\n", "");
        RagbackCli.Result result = cli.run("eval-quick").assertExit(3);

        assertTrue(result.stdout().contains("NaN (statements: the judge did not answer within the query's timeout (eval.timeout))"),
                result.toString());
        assertTrue(result.stdout().contains("NaN (verdicts: the output is not JSON: 'The statements look faithful to me.', twice)"),
                result.toString());
        assertTrue(result.stdout().contains("outcome: INCONCLUSIVE (10 queries: 7 valid, 3 NaN; eval.max_invalid 10 %)"), result.toString());
        assertTrue(lastLine(result).startsWith("ragback: eval-quick is inconclusive: faithfulness has 3 of 10 rows invalid (30 % > 10 %) "
                + "— the NaN rows above say why; every exchange is in " + work + "/ops/state/eval/eval_"), lastLine(result));
        noStackTrace(result);
    }

    @Test
    void judgeModeWithoutItsEndpointsIsAConfigurationError() throws IOException {
        Files.createDirectories(work.resolve("ops"));
        Files.writeString(work.resolve("ops/ragback.yaml"), "eval:\n  mode: judge\n");
        RagbackCli.Result result = cli.run("eval-quick").assertExit(2);
        assertEquals("ragback: eval.mode judge needs eval.rag_url, which is not set — set it in ops/ragback.yaml "
                + "(docs/judge.md shows vLLM, Ollama and OpenAI examples)", lastLine(result));
        RagbackCli.Result secret = cli.run("eval-quick", "--set", "eval.rag_auth=Bearer x").assertExit(2);
        assertTrue(lastLine(secret).startsWith("ragback: --set eval.rag_auth: secrets never go on the command line; set EVAL_RAG_AUTH"),
                secret.toString());
    }

    @Test
    void rollbackAutoGatesOnTheJudgesScore(PgDatabase db) throws Exception {
        try (QdrantDouble qdrant = new QdrantDouble()) {
            RollbackStage.stores(db, qdrant, 300);
            RollbackStage.releases(work, "v1.1.0", "v1.0.0", "v1.1.0", "v2.0.0");
            List<JudgeFixture.Entry> entries = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                entries.add(entry("q" + i, Map.of(), i == 1 ? 0 : 1));
            }
            JudgeFixture fixture = new JudgeFixture(entries);
            judgeMode(fixture, fixture.write(work.resolve("dataset.jsonl")), "", "");
            cli.env(db.env()).env("QDRANT_URL", qdrant.url().toString());
            cli.run("release", "mark-green", "v1.1.0").assertExit(0);
            cli.run("snapshot", "create", "--golden").assertExit(0);
            RollbackStage.damage(db, qdrant, work);

            // q1's two statements are unsupported: (0 + 4 x 1) / 5 = 0.8 passes; with 0.85 the gate stops the run
            RagbackCli.Result failed = cli.run("rollback", "auto", "--reason", "faithfulness_drop", "--yes",
                    "--set", "eval.thresholds={faithfulness: 0.85}").assertExit(3);
            assertTrue(lastLine(failed).contains("failed at step eval"), failed.toString());
            assertTrue(failed.stdout().contains("eval failed: faithfulness 0.80 < 0.85; audit file " + work + "/ops/state/eval/eval_"),
                    failed.toString());
            assertEquals("0", Files.readString(work.resolve("ops/state/traffic")).strip(), "traffic stays at 0");

            RagbackCli.Result passed = cli.run("rollback", "auto", "--reason", "faithfulness_drop", "--yes").assertExit(0);
            assertTrue(passed.stdout().matches("(?s).*eval +succeeded +[0-9.]+ s +faithfulness 0\\.800 >= 0\\.80; audit file " + java.util.regex.Pattern.quote(work + "/ops/state/eval/eval_") + ".*"),
                    passed.toString());
            assertEquals(List.of(List.of("succeeded")), db.rows("SELECT metadata->>'outcome' FROM task_events "
                    + "WHERE event_type = 'rollback_finished' ORDER BY id DESC LIMIT 1"));
        }
        assertEquals(List.of(), OpenAiContract.load().problems(judge));
    }

    private List<Path> auditFiles() throws IOException {
        try (Stream<Path> files = Files.list(work.resolve("ops/state/eval"))) {
            return files.toList();
        }
    }

    /** A query whose answer has two statements, both with {@code verdict}. */
    static JudgeFixture.Entry entry(String id, Map<String, String> faults, int verdict) {
        List<String> statements = List.of(id + ": the first claim.", id + ": the second claim.");
        Map<String, JsonNode> verdicts = new LinkedHashMap<>();
        statements.forEach(s -> verdicts.put(s, IntNode.valueOf(verdict)));
        return new JudgeFixture.Entry(id, "What about " + id + "?", "About " + id + ": two claims.", List.of("The context of " + id + "."),
                statements, verdicts, faults);
    }
}
