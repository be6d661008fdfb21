package dev.ragback.cli;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.ragback.app.RagbackException;
import dev.ragback.app.eval.EvalPolicy;
import dev.ragback.app.eval.EvalResult;
import dev.ragback.app.eval.JudgeReport;
import dev.ragback.app.eval.EvalQuickService;
import dev.ragback.app.eval.MetricScore;
import dev.ragback.app.snapshot.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "eval-quick", description = "Run the quick answer-quality evaluation and check eval.thresholds: eval.mode command "
        + "runs eval.command; eval.mode judge computes RAGAS faithfulness itself from the RAG service (eval.rag_url) and an "
        + "OpenAI-compatible judge (eval.judge_url), one row per query, every exchange in an audit file (docs/judge.md). "
        + "Exit 3 when a metric is below its threshold, missing or inconclusive (too many NaN rows); exit 1 when the evaluator "
        + "fails, times out or prints no scores, or the RAG service or the judge cannot be reached. The BASELINE column shows "
        + "the scores recorded in the newest golden snapshot set (manifest field eval_baseline); '-' when none was recorded.")
final class EvalQuickCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--queries", paramLabel = "N", description = "Queries to evaluate (default: eval.queries).")
    Integer queries;

    @Option(names = "--min-faithfulness", paramLabel = "X", description = "Faithfulness threshold from 0 to 1 (default: eval.thresholds).")
    Double minFaithfulness;

    @Option(names = "--record-baseline", description = "When the evaluation passes, record its mean scores as the baseline "
            + "of the newest golden snapshot set (manifest field eval_baseline, rewritten atomically and re-signed with "
            + "RAGBACK_SIGNING_KEY when set). Exit 5, without running the evaluation, when there is no golden set; "
            + "nothing is recorded when the evaluation fails or is inconclusive.")
    boolean recordBaseline;

    EvalQuickCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        if (queries != null && queries < 1) {
            throw RagbackException.usage("--queries must be at least 1, got " + queries);
        }
        if (minFaithfulness != null && !(minFaithfulness >= 0 && minFaithfulness <= 1)) {
            throw RagbackException.usage("--min-faithfulness must be from 0 to 1, got " + minFaithfulness);
        }
        EvalQuickService eval = session.services().evalQuick();
        EvalPolicy policy = eval.policy().withQueries(queries).withThreshold(EvalPolicy.FAITHFULNESS, minFaithfulness);
        EvalQuickService.Run run = eval.run(policy, recordBaseline);
        EvalResult result = run.result();
        if (session.json()) {
            session.printJson(Evaluation.of(run));
        } else {
            render(run);
        }
        result.warnings().forEach(session::warn);
        String notRecorded = recordBaseline ? "; baseline not recorded" : "";
        if (result.outcome() == EvalResult.Outcome.INCONCLUSIVE) {
            throw new RagbackException(RagbackException.Kind.GATE, "eval-quick is inconclusive: " + result.failureSummary() + notRecorded,
                    result.judge() != null ? "the NaN rows above say why; every exchange is in " + result.judge().transcript()
                            : "the evaluator gave NaN, null or out-of-range scores (is the judge or the RAG service failing?); "
                            + "run with -v for its log, then run eval-quick again");
        }
        if (result.outcome() == EvalResult.Outcome.FAILED) {
            throw new RagbackException(RagbackException.Kind.GATE, "eval-quick failed: " + result.failureSummary() + notRecorded,
                    "see the table above; if a change caused it, roll back: ragback rollback auto --reason faithfulness_drop");
        }
        return ExitCodes.OK;
    }

    private void render(EvalQuickService.Run run) {
        EvalResult result = run.result();
        PrintWriter out = session.out();
        if (result.judge() != null) {
            JudgeTable.rows(out, result.judge());
        }
        int width = Math.max("METRIC".length(), result.metrics().stream().mapToInt(m -> m.metric().length()).max().orElse(0)) + 2;
        String format = "%-" + width + "s %-8s %-10s %-9s %s%n";
        out.printf(format, "METRIC", "VALUE", "THRESHOLD", "BASELINE", "PASS");
        List<Double> values = new ArrayList<>();
        result.metrics().forEach(m -> values.addAll(Arrays.asList(m.value(), m.threshold(), m.baseline())));
        List<String> cells = EvalResult.scores(values);
        for (int i = 0; i < result.metrics().size(); i++) {
            MetricScore metric = result.metrics().get(i);
            out.printf(format, metric.metric(), cells.get(3 * i), cells.get(3 * i + 1), cells.get(3 * i + 2), pass(metric));
        }
        String counts = result.judge() != null
                ? result.rows() + " queries: " + result.validRows() + " valid, " + result.invalidRows() + " NaN; eval.max_invalid "
                        + EvalResult.percent(result.maxInvalid())
                : result.shape() == EvalResult.Shape.MEANS
                ? "mean scores, no per-query rows: " + result.validRows() + " valid, " + result.invalidRows() + " invalid"
                : result.rows() + " rows for " + result.queries() + " queries: " + result.validRows() + " valid, "
                        + result.invalidRows() + " invalid";
        out.println("outcome: " + result.outcome() + " (" + counts + ")");
        if (result.judge() != null) {
            out.println("judge: " + result.judge().judge() + " (" + result.judge().responseFormat() + ")");
            out.println("audit: " + result.judge().transcript());
        }
        if (run.baselineRecordedAt() != null) {
            out.println("baseline: golden set " + run.goldenSet() + ", recorded " + run.baselineRecordedAt());
        }
        if (run.recorded() != null) {
            out.println("baseline recorded in golden set " + run.goldenSet() + ": " + String.join(", ", run.recorded().metrics()
                    .entrySet().stream().map(e -> e.getKey() + " " + EvalResult.score(e.getValue())).toList()));
        }
        out.flush();
    }

    private String pass(MetricScore metric) {
        return switch (metric.status()) {
            case PASS -> Styles.status(session, "ok");
            case FAIL -> Styles.status(session, "fail");
            case MISSING -> Styles.status(session, "fail") + " (missing)";
            case INCONCLUSIVE -> Styles.status(session, "inconclusive");
            case UNGATED -> "-";
        };
    }

    /**
     * @param recordedBaseline the scores --record-baseline wrote ({@code recorded_at}, {@code metrics}); {@code null} when none
     * @param judge            eval.mode judge's keys, after the others; absent in command mode
     */
    record Evaluation(String outcome, boolean passed, String shape, int queries, int rows, int validRows, int invalidRows,
                      double maxInvalid, List<MetricRow> metrics, List<String> warnings, String failure, String goldenSet,
                      String baselineRecordedAt, Manifest.EvalBaseline recordedBaseline, @JsonUnwrapped JudgeFields judge) {
        static Evaluation of(EvalQuickService.Run run) {
            EvalResult result = run.result();
            JudgeReport judge = result.judge();
            return new Evaluation(result.outcome().name(), result.passed(), result.shape().name().toLowerCase(Locale.ROOT),
                    result.queries(), result.rows(), result.validRows(), result.invalidRows(), result.maxInvalid(),
                    result.metrics().stream().map(MetricRow::of).toList(), result.warnings(),
                    result.passed() ? null : result.failureSummary(), run.goldenSet(), run.baselineRecordedAt(), run.recorded(),
                    judge == null ? null : new JudgeFields("judge", judge.judge(), judge.responseFormat(), judge.transcript(),
                            JudgeTable.json(judge)));
        }
    }

    record JudgeFields(String mode, String judge, String responseFormat, String auditFile, List<JudgeTable.QueryRow> queryRows) {
    }

    /** @param pass {@code null} for a metric without a threshold */
    record MetricRow(String metric, Double value, Double threshold, Double baseline, Boolean pass, String status, int valid,
                     int invalid) {
        static MetricRow of(MetricScore metric) {
            return new MetricRow(metric.metric(), metric.value(), metric.threshold(), metric.baseline(), metric.pass(),
                    metric.status().name().toLowerCase(Locale.ROOT), metric.valid(), metric.invalid());
        }
    }
}
