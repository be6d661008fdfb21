package dev.ragback.cli;

import dev.ragback.app.RagbackException;
import dev.ragback.app.eval.EvalPolicy;
import dev.ragback.app.eval.EvalResult;
import dev.ragback.app.eval.EvalService;
import dev.ragback.app.eval.MetricScore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval-quick", description = "Run the quick answer-quality evaluation (eval.command) and check eval.thresholds. "
        + "Exit 3 when a metric is below its threshold, missing or inconclusive; exit 1 when the evaluator fails, "
        + "times out or prints no scores.")
final class EvalQuickCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--queries", paramLabel = "N", description = "Queries to evaluate (default: eval.queries).")
    Integer queries;

    @Option(names = "--min-faithfulness", paramLabel = "X", description = "Faithfulness threshold from 0 to 1 (default: eval.thresholds).")
    Double minFaithfulness;

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
        EvalService eval = session.services().eval();
        EvalPolicy policy = eval.policy().withQueries(queries).withThreshold(EvalPolicy.FAITHFULNESS, minFaithfulness);
        EvalResult result = eval.evaluate(policy, Map.of());
        if (session.json()) {
            session.printJson(json(result));
        } else {
            render(result);
        }
        result.warnings().forEach(session::warn);
        if (result.outcome() == EvalResult.Outcome.INCONCLUSIVE) {
            throw new RagbackException(RagbackException.Kind.GATE, "eval-quick is inconclusive: " + result.failureSummary(),
                    "the evaluator gave NaN, null or out-of-range scores (is the judge or the RAG service failing?); "
                            + "run with -v for its log, then run eval-quick again");
        }
        if (result.outcome() == EvalResult.Outcome.FAILED) {
            throw new RagbackException(RagbackException.Kind.GATE, "eval-quick failed: " + result.failureSummary(),
                    "see the table above; if a change caused it, roll back: ragback rollback auto --reason faithfulness_drop");
        }
        return ExitCodes.OK;
    }

    private void render(EvalResult result) {
        PrintWriter out = session.out();
        int width = Math.max("METRIC".length(), result.metrics().stream().mapToInt(m -> m.metric().length()).max().orElse(0)) + 2;
        String format = "%-" + width + "s %-8s %-10s %-9s %s%n";
        out.printf(format, "METRIC", "VALUE", "THRESHOLD", "BASELINE", "PASS");
        for (MetricScore metric : result.metrics()) {
            out.printf(format, metric.metric(), EvalResult.score(metric.value()), EvalResult.score(metric.threshold()),
                    EvalResult.score(metric.baseline()), pass(metric));
        }
        String counts = result.shape() == EvalResult.Shape.MEANS
                ? "mean scores, no per-query rows: " + result.validRows() + " valid, " + result.invalidRows() + " invalid"
                : result.rows() + " rows for " + result.queries() + " queries: " + result.validRows() + " valid, "
                        + result.invalidRows() + " invalid";
        out.println("outcome: " + result.outcome() + " (" + counts + ")");
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

    private static Map<String, Object> json(EvalResult result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", result.outcome().name());
        out.put("passed", result.passed());
        out.put("shape", result.shape().name().toLowerCase(Locale.ROOT));
        out.put("queries", result.queries());
        out.put("rows", result.rows());
        out.put("valid_rows", result.validRows());
        out.put("invalid_rows", result.invalidRows());
        out.put("max_invalid", result.maxInvalid());
        out.put("metrics", result.metrics().stream().map(EvalQuickCommand::json).toList());
        out.put("warnings", result.warnings());
        out.put("failure", result.passed() ? null : result.failureSummary());
        return out;
    }

    private static Map<String, Object> json(MetricScore metric) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metric", metric.metric());
        out.put("value", metric.value());
        out.put("threshold", metric.threshold());
        out.put("baseline", metric.baseline());
        out.put("pass", metric.pass());
        out.put("status", metric.status().name().toLowerCase(Locale.ROOT));
        out.put("valid", metric.valid());
        out.put("invalid", metric.invalid());
        return out;
    }
}
