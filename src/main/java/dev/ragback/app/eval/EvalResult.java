package dev.ragback.app.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one quick evaluation.
 *
 * @param outcome     PASSED, FAILED (a gated metric below its threshold or missing) or INCONCLUSIVE
 * @param metrics     gated metrics first, in threshold order, then other scores the output held
 * @param shape       whether the evaluator gave mean scores or per-query rows
 * @param queries     queries asked for
 * @param rows        rows read (1 for mean scores)
 * @param validRows   rows where every gated metric present in the output has a valid score
 * @param invalidRows the other rows
 * @param maxInvalid  the eval.max_invalid share that applied
 * @param warnings    things worth saying even when the evaluation passed
 * @param judge       the per-query rows and the audit file of eval.mode judge; {@code null} in command mode
 */
public record EvalResult(Outcome outcome, List<MetricScore> metrics, Shape shape, int queries, int rows,
                         int validRows, int invalidRows, double maxInvalid, List<String> warnings, JudgeReport judge) {

    /** The verdict on the whole evaluation. */
    public enum Outcome { PASSED, FAILED, INCONCLUSIVE }

    /** What the evaluator produced. */
    public enum Shape {
        /** One object of mean scores. */
        MEANS,
        /** Per-query rows (a JSON list, {@code {"rows": [...]}} or JSON lines), averaged here. */
        ROWS
    }

    public EvalResult {
        metrics = List.copyOf(metrics);
        warnings = List.copyOf(warnings);
    }

    /** This result with the judge's rows, and more warnings before its own. */
    EvalResult withJudge(JudgeReport report, List<String> moreWarnings) {
        List<String> all = new ArrayList<>(moreWarnings);
        all.addAll(warnings);
        return new EvalResult(outcome, metrics, shape, queries, rows, validRows, invalidRows, maxInvalid, all, report);
    }

    public boolean passed() {
        return outcome == Outcome.PASSED;
    }

    /**
     * One line naming what failed, for the gate message: {@code faithfulness 0.79 < 0.80}, {@code
     * answer_relevancy missing from the evaluator's output (threshold 0.70)}, {@code faithfulness has 3
     * of 20 rows invalid (15 % > 10 %)}; empty when the evaluation passed.
     */
    public String failureSummary() {
        List<String> problems = new ArrayList<>();
        for (MetricScore metric : metrics) {
            switch (metric.status()) {
                case FAIL -> problems.add(metric.metric() + " " + score(metric.value()) + " < " + score(metric.threshold()));
                case MISSING -> problems.add(metric.metric() + " missing from the evaluator's output (threshold "
                        + score(metric.threshold()) + ")");
                case INCONCLUSIVE -> problems.add(metric.valid() == 0
                        ? metric.metric() + " has no valid score in " + metric.invalid() + " rows"
                        : metric.metric() + " has " + metric.invalid() + " of " + (metric.valid() + metric.invalid())
                                + " rows invalid (" + percent(metric.invalidShare()) + " > " + percent(maxInvalid) + ")");
                default -> {
                    // passing and ungated metrics are not problems
                }
            }
        }
        return String.join("; ", problems);
    }

    /** A score as people write it: at least two decimals, at most four ({@code 0.80}, {@code 0.8433}); {@code -} for null. */
    public static String score(Double value) {
        if (value == null) {
            return "-";
        }
        if (!Double.isFinite(value)) {
            return value.toString();
        }
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
        return (rounded.scale() < 2 ? rounded.setScale(2, RoundingMode.UNNECESSARY) : rounded).toPlainString();
    }

    /** Scores that share a table, all with the decimals the most precise of them needs ({@code 0.8000}, {@code 0.8433}). */
    public static List<String> scores(List<Double> values) {
        int decimals = values.stream().map(EvalResult::score).filter(s -> s.contains(".") && !s.contains("E"))
                .mapToInt(s -> s.length() - s.indexOf('.') - 1).max().orElse(2);
        return values.stream().map(v -> v == null || !Double.isFinite(v) ? score(v)
                : BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).toPlainString()).toList();
    }

    /** A share as a percentage: {@code 15 %}, {@code 3.3 %}. */
    public static String percent(double share) {
        double pct = share * 100;
        return Math.abs(pct - Math.rint(pct)) < 1e-9 ? (long) Math.rint(pct) + " %" : String.format(Locale.ROOT, "%.1f %%", pct);
    }
}
