package dev.ragback.adapters.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.adapters.eval.JsonlEvalTranscript;
import dev.ragback.adapters.ragservice.HttpRagService;
import dev.ragback.app.RagbackException;
import dev.ragback.app.eval.EvalPolicy;
import dev.ragback.app.eval.EvalResult;
import dev.ragback.app.eval.EvalService;
import dev.ragback.app.eval.JudgeEvaluation;
import dev.ragback.app.eval.JudgedRow;
import dev.ragback.testing.cli.RagbackCli;
import dev.ragback.testing.judge.FakeOpenAiServer;
import dev.ragback.testing.judge.FakeRagService;
import dev.ragback.testing.judge.JudgeFixture;
import dev.ragback.testing.judge.OpenAiContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * eval.mode judge end to end in one JVM: the use case with the real OpenAI-compatible and RAG
 * adapters against the fakes, the audit file on disk. Every request ragback sent and every answer
 * the fake gave is then checked against the OpenAI spec (the contract).
 */
class JudgeOverHttpTest {
    static final Path SCORE_CHECK = RagbackCli.projectDir().resolve("src/test/resources/dev/ragback/judge/score-check.jsonl");
    private static final String KEY = "judge-key-" + Long.toHexString(System.nanoTime());
    private static final EvalPolicy POLICY = new EvalPolicy(20, Map.of("faithfulness", 0.80), 0.10);

    @TempDir
    Path work;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private FakeOpenAiServer judge;

    @AfterEach
    void tearDown() throws Exception {
        if (judge != null) {
            assertEquals(List.of(), OpenAiContract.load().problems(judge), judge.recorded().size() + " exchanges");
        }
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private EvalService service(JudgeFixture fixture, Path dataset, Duration queryTimeout, int retries) {
        FakeRagService rag = new FakeRagService(fixture);
        judge = new FakeOpenAiServer(fixture).requireKey(KEY);
        open.add(rag);
        open.add(judge);
        return service(rag.url(), judge.baseUrl(), dataset, queryTimeout, retries);
    }

    private EvalService service(URI rag, URI judgeUrl, Path dataset, Duration queryTimeout, int retries) {
        OpenAiChatModel chat = new OpenAiChatModel(new OpenAiChatModel.Settings(judgeUrl, "fake-judge", KEY, 512, 42, retries),
                Clock.systemUTC(), waits::add);
        HttpRagService ragService = new HttpRagService(new HttpRagService.Settings(rag, null, "/answer", "/contexts", retries));
        JudgeEvaluation evaluation = new JudgeEvaluation(ragService, chat,
                () -> JsonlEvalTranscript.create(work.resolve("audit"), Clock.systemUTC(), List.of(KEY)),
                new JudgeEvaluation.Settings(dataset, 4, queryTimeout), Clock.systemUTC());
        return new EvalService(evaluation, POLICY);
    }

    @Test
    void theScoreOfTwentyFixtureRowsIsTheHandComputedValueExactly() {
        EvalResult result = service(JudgeFixture.read(SCORE_CHECK), SCORE_CHECK, Duration.ofSeconds(30), 3).evaluate();

        // 18 valid rows (q05 and q11 have no statements): 1 + .75 + .5 + 1 (q04: 2 of the 2 verdicts returned for 4
        // statements) + .5 (q06: verdicts 1, 2, 0, 1; only 1 is supported) + 1 + .75 + 1 + .5 + .5 (q12: 1 of 2 returned)
        // + 1 + .5 + 1 + 1 + .75 + 0 + 1 + .75 = 13.5; 13.5 / 18 = 0.75
        assertEquals(0.75, result.metrics().get(0).value(), 0.0);
        assertEquals(18, result.validRows());
        assertEquals(2, result.invalidRows());
        assertEquals(EvalResult.Outcome.FAILED, result.outcome(), "0.75 < 0.80");
        Map<String, JudgedRow> rows = byId(result);
        assertEquals(new JudgedRow("q04", 4, 2, 2, 1.0, null), rows.get("q04"));
        assertEquals(new JudgedRow("q06", 4, 4, 2, 0.5, null), rows.get("q06"));
        assertEquals(new JudgedRow("q12", 4, 2, 1, 0.5, null), rows.get("q12"));
        assertEquals("the judge found no statements in the answer", rows.get("q05").reason());
        assertTrue(Double.isNaN(rows.get("q11").score()));
        assertEquals(List.of("q01", "q02", "q03"), result.judge().rows().subList(0, 3).stream().map(JudgedRow::id).toList(),
                "rows keep the dataset's order whatever order the queries finished in");
        assertEquals("json_schema", result.judge().responseFormat());
    }

    @Test
    void everyFaultEndsInARetriedScoreOrANanRowWithItsReason() throws IOException {
        JudgeFixture fixture = faults();
        EvalResult result = service(fixture, fixture.write(work.resolve("faults.jsonl")), Duration.ofSeconds(3), 3).evaluate();
        Map<String, JudgedRow> rows = byId(result);

        assertEquals(1.0, rows.get("rate_limited").score(), "429 then an answer: " + rows.get("rate_limited"));
        assertTrue(waits.contains(Duration.ofSeconds(1)), "Retry-After: 1 was honoured: " + waits);
        assertEquals(0.5, rows.get("server_error").score(), "500 then an answer: " + rows.get("server_error"));
        assertEquals(1.0, rows.get("repaired").score(), "wrong shape, then repaired: " + rows.get("repaired"));
        assertEquals(1.0, rows.get("fenced").score(), "JSON inside a ```json fence: " + rows.get("fenced"));
        assertEquals("statements: the judge did not answer within the query's timeout (eval.timeout)", rows.get("hung").reason());
        assertEquals("statements: the output is not JSON: 'The statements look faithful to me.', twice", rows.get("prose").reason());
        assertEquals("verdicts: the output was cut off at eval.judge_max_tokens (finish_reason length), twice",
                rows.get("truncated").reason());
        assertEquals(2, rows.get("truncated").statements(), "the statements were found before the verdicts failed");
        assertEquals("the RAG service returned no contexts", rows.get("no_contexts").reason());
        // as many tries as fit in the query's timeout (the waits are real here): never a wait past it
        assertTrue(rows.get("rag_error").reason().matches("the RAG service answered 500( \\(after [2-4] tries\\))?"),
                rows.get("rag_error").reason());
        assertEquals(EvalResult.Outcome.INCONCLUSIVE, result.outcome(), "5 NaN rows of 9 is more than eval.max_invalid 10 %");

        List<String> repairs = judge.recorded().stream().map(FakeOpenAiServer.Recorded::requestBody)
                .filter(b -> b.contains("Your output did not match the schema")).toList();
        assertEquals(3, repairs.size(), "one repair request each for repaired, prose and truncated: " + repairs.size());
        assertTrue(repairs.stream().anyMatch(b -> b.contains("no \\\"statements\\\" list")), "the repair names the problem");
    }

    @Test
    void aServerWithoutStructuredOutputIsAskedForJsonObjectFromThenOn() {
        JudgeFixture fixture = JudgeFixture.read(SCORE_CHECK);
        EvalService service = service(fixture, SCORE_CHECK, Duration.ofSeconds(30), 3);
        judge.refuseJsonSchema();
        EvalResult result = service.evaluate();

        assertEquals(0.75, result.metrics().get(0).value(), 0.0);
        assertEquals("json_object", result.judge().responseFormat());
        List<FakeOpenAiServer.Recorded> refused = judge.recorded().stream().filter(r -> r.status() == 400).toList();
        assertTrue(refused.size() >= 1 && refused.size() <= 4, "at most one refusal per query running when it was learnt: " + refused.size());
        long jsonObject = judge.recorded().stream().filter(r -> r.requestBody().contains("\"json_object\"")).count();
        assertEquals(judge.recorded().size() - refused.size(), jsonObject, "every later request asks for json_object");
    }

    @Test
    void theAuditFileHoldsEveryExchangeOfAQueryTogetherAndNeverTheKey() throws IOException {
        EvalResult result = service(JudgeFixture.read(SCORE_CHECK), SCORE_CHECK, Duration.ofSeconds(30), 3).evaluate();
        Path audit = Path.of(result.judge().transcript());
        assertEquals(work.resolve("audit"), audit.getParent());
        assertTrue(audit.getFileName().toString().matches("eval_\\d{8}-\\d{6}(-\\d+)?\\.jsonl"), audit.toString());
        assertEquals("rw-------", dev.ragback.app.files.Permissions.of(audit));
        String text = Files.readString(audit);
        assertFalse(text.contains(KEY), "the judge's key is never written");

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            lines.add(json.readTree(line));
        }
        assertEquals("run", lines.get(0).get("stage").asText());
        assertEquals("finished", lines.get(lines.size() - 1).get("stage").asText());
        List<String> stages = new ArrayList<>();
        int first = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).path("query").asText().equals("q02")) {
                stages.add(lines.get(i).get("stage").asText());
                assertTrue(first < 0 || i == first + stages.size() - 1, "q02's lines are together");
                first = first < 0 ? i : first;
            }
        }
        assertEquals(List.of("rag", "statements", "verdicts", "result"), stages);
        JsonNode verdicts = lines.get(first + 2);
        assertEquals(0, verdicts.at("/request/temperature").asInt());
        assertEquals("verdicts", verdicts.at("/request/response_format/json_schema/name").asText());
        assertEquals(200, verdicts.get("status").asInt());
        assertEquals("chat.completion", verdicts.at("/response/object").asText());
        assertEquals(0.75, lines.get(first + 3).get("score").asDouble(), 0.0);
    }

    @Test
    void aRagServiceThatIsDownFailsTheRunNamingIt() {
        JudgeFixture fixture = JudgeFixture.read(SCORE_CHECK);
        FakeOpenAiServer fakeJudge = new FakeOpenAiServer(fixture);
        open.add(fakeJudge);
        URI down = URI.create("http://127.0.0.1:" + closedPort() + "/ask");
        RagbackException failure = assertThrows(RagbackException.class,
                () -> service(down, fakeJudge.baseUrl(), SCORE_CHECK, Duration.ofSeconds(30), 1).evaluate());
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().startsWith("cannot reach the RAG service at " + down + ": "), failure.getMessage());
    }

    @Test
    void aWrongJudgeKeyFailsTheRunOnce() {
        JudgeFixture fixture = JudgeFixture.read(SCORE_CHECK);
        FakeRagService rag = new FakeRagService(fixture);
        FakeOpenAiServer fakeJudge = new FakeOpenAiServer(fixture).requireKey("another-key");
        open.add(rag);
        open.add(fakeJudge);
        RagbackException failure = assertThrows(RagbackException.class,
                () -> service(rag.url(), fakeJudge.baseUrl(), SCORE_CHECK, Duration.ofSeconds(30), 1).evaluate());
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains("answered 401"), failure.getMessage());
        assertTrue(failure.hint().contains("EVAL_JUDGE_API_KEY"), failure.hint());
    }

    private static JudgeFixture faults() {
        List<JudgeFixture.Entry> entries = new ArrayList<>();
        entries.add(entry("rate_limited", Map.of("statements", "rate_limit_once"), 1, 1));
        entries.add(entry("server_error", Map.of("verdicts", "server_error_once"), 1, 0));
        entries.add(entry("repaired", Map.of("statements", "bad_schema_once"), 1, 1));
        entries.add(entry("fenced", Map.of("verdicts", "fenced"), 1, 1));
        entries.add(entry("hung", Map.of("statements", "hang"), 1));
        entries.add(entry("prose", Map.of("statements", "not_json"), 1));
        entries.add(entry("truncated", Map.of("verdicts", "length"), 1, 1));
        entries.add(new JudgeFixture.Entry("no_contexts", "question no_contexts", "answer no_contexts", List.of(),
                List.of("no_contexts statement"), Map.of(), Map.of()));
        entries.add(entry("rag_error", Map.of("rag", "error_500"), 1));
        return new JudgeFixture(entries);
    }

    private static JudgeFixture.Entry entry(String id, Map<String, String> faults, int... verdicts) {
        List<String> statements = List.of(id + " statement one.", id + " statement two.");
        Map<String, JsonNode> byStatement = new LinkedHashMap<>();
        for (int i = 0; i < verdicts.length; i++) {
            byStatement.put(statements.get(i), com.fasterxml.jackson.databind.node.IntNode.valueOf(verdicts[i]));
        }
        if (verdicts.length == 1) {
            byStatement.put(statements.get(1), com.fasterxml.jackson.databind.node.IntNode.valueOf(verdicts[0]));
        }
        return new JudgeFixture.Entry(id, "question " + id, "answer " + id, List.of("context of " + id), statements, byStatement, faults);
    }

    private static Map<String, JudgedRow> byId(EvalResult result) {
        Map<String, JudgedRow> rows = new LinkedHashMap<>();
        result.judge().rows().forEach(row -> rows.put(row.id(), row));
        return rows;
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
