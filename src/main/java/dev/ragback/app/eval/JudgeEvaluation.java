package dev.ragback.app.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.ChatModel;
import dev.ragback.app.port.EvalTranscript;
import dev.ragback.app.port.RagService;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * {@code eval.mode: judge}: the dataset's queries scored by {@link FaithfulnessJudge},
 * {@code concurrency} at a time, each within its own timeout, every exchange written to the
 * transcript. A service that cannot be reached at all ends the run (EXTERNAL); everything else
 * ends in a NaN row.
 */
public final class JudgeEvaluation {

    /**
     * @param dataset      eval.dataset
     * @param concurrency  queries judged at the same time
     * @param queryTimeout what one query may take, RAG service, both stages and their retries together
     */
    public record Settings(Path dataset, int concurrency, Duration queryTimeout) {
    }

    /** The rows, in dataset order, and where their exchanges were written. */
    record JudgedRun(List<JudgedRow> rows, String transcript, List<String> warnings) {
        /** The rows as the score aggregator reads them: {@code {"id": …, "faithfulness": score or NaN}}. */
        List<ObjectNode> scoreRows() {
            return rows.stream().map(row -> JsonNodeFactory.instance.objectNode().put("id", row.id())
                    .put(EvalPolicy.FAITHFULNESS, row.score())).toList();
        }
    }

    private final FaithfulnessJudge judge;
    private final ChatModel chat;
    private final RagService rag;
    private final Supplier<EvalTranscript> transcripts;
    private final Settings settings;
    private final Clock clock;

    public JudgeEvaluation(RagService rag, ChatModel chat, Supplier<EvalTranscript> transcripts, Settings settings, Clock clock) {
        this.judge = new FaithfulnessJudge(rag, chat);
        this.chat = chat;
        this.rag = rag;
        this.transcripts = transcripts;
        this.settings = settings;
        this.clock = clock;
    }

    /** The dataset's first question, for doctor's RAG service check; MALFORMED_INPUT when the dataset is unusable. */
    public static String sampleQuestion(Path dataset) {
        return EvalDataset.read(dataset, 1).get(0).question();
    }

    /** What judges, for messages. */
    public String describe() {
        return chat.describe();
    }

    JudgedRun run(int queries) {
        List<EvalDataset.Query> dataset = EvalDataset.read(settings.dataset(), queries);
        List<String> warnings = new ArrayList<>();
        if (dataset.size() < queries) {
            warnings.add("eval.dataset " + settings.dataset() + " has " + dataset.size() + " queries; " + queries + " were asked for");
        }
        try (EvalTranscript transcript = transcripts.get()) {
            transcript.write(List.of(header(dataset.size())));
            List<JudgedRow> rows = judgeAll(dataset, transcript);
            transcript.write(List.of(footer(rows)));
            return new JudgedRun(rows, transcript.location(), warnings);
        }
    }

    private List<JudgedRow> judgeAll(List<EvalDataset.Query> dataset, EvalTranscript transcript) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.concurrency(), dataset.size()), runnable -> {
            Thread thread = new Thread(runnable, "judge");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<JudgedRow>> futures = new ArrayList<>();
            for (EvalDataset.Query query : dataset) {
                futures.add(pool.submit(() -> judgeOne(query, transcript)));
            }
            List<JudgedRow> rows = new ArrayList<>();
            for (Future<JudgedRow> future : futures) {
                rows.add(future.get());
            }
            return rows;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RagbackException failure) {
                throw failure;
            }
            throw new IllegalStateException("judging a query failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while the judge ran");
        } finally {
            pool.shutdownNow();
        }
    }

    private JudgedRow judgeOne(EvalDataset.Query query, EvalTranscript transcript) {
        // the timeout starts when the query does, not while it waits for a free slot
        Instant deadline = clock.instant().plus(settings.queryTimeout());
        List<Map<String, Object>> lines = new ArrayList<>();
        JudgedRow row = judge.score(query, deadline, lines);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("query", row.id());
        result.put("stage", "result");
        result.put("statements", row.statements());
        result.put("verdicts", row.verdicts());
        result.put("supported", row.supported());
        result.put("score", row.valid() ? row.score() : null);
        result.put("reason", row.reason());
        lines.add(result);
        transcript.write(lines);
        return row;
    }

    private Map<String, Object> header(int queries) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("stage", "run");
        line.put("started_at", clock.instant().toString());
        line.put("dataset", settings.dataset().toString());
        line.put("queries", queries);
        line.put("rag_service", rag.describe());
        line.put("judge", chat.describe());
        line.put("concurrency", settings.concurrency());
        line.put("query_timeout_ms", settings.queryTimeout().toMillis());
        return line;
    }

    private Map<String, Object> footer(List<JudgedRow> rows) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("stage", "finished");
        line.put("finished_at", clock.instant().toString());
        line.put("response_format", chat.responseFormat());
        line.put("valid", rows.stream().filter(JudgedRow::valid).count());
        line.put("nan", rows.stream().filter(r -> !r.valid()).count());
        return line;
    }

    /** The response format the endpoint ended up with. */
    String responseFormat() {
        return chat.responseFormat();
    }
}
