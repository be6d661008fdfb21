package dev.ragback.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Averages scores per metric and judges them against the policy. */
final class ScoreAggregator {
    private ScoreAggregator() {
    }

    static EvalResult aggregate(EvalOutputReader.Scores scores, EvalPolicy policy, Map<String, Double> baseline) {
        Map<String, Double> baselines = baseline == null ? Map.of() : baseline;
        List<ObjectNode> rows = scores.rows();
        List<MetricScore> metrics = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, Double> gate : policy.thresholds().entrySet()) {
            MetricScore metric = gated(gate.getKey(), gate.getValue(), rows, policy.maxInvalid(), baselines.get(gate.getKey()));
            metrics.add(metric);
            if (metric.status() == MetricScore.Status.PASS && metric.invalid() > 0) {
                warnings.add(metric.metric() + ": " + metric.invalid() + " of " + rows.size()
                        + " rows have no valid score (NaN, null or out of range); within eval.max_invalid ("
                        + EvalResult.percent(policy.maxInvalid()) + ")");
            }
        }
        for (String field : fields(rows)) {
            if (!policy.thresholds().containsKey(field) && looksLikeScore(field, rows)) {
                Mean mean = mean(field, rows);
                metrics.add(new MetricScore(field, mean.value(), null, baselines.get(field), MetricScore.Status.UNGATED,
                        mean.valid(), rows.size() - mean.valid()));
            }
        }
        if (scores.shape() == EvalResult.Shape.ROWS && rows.size() < policy.queries()) {
            warnings.add("the evaluator returned " + rows.size() + " rows for " + policy.queries() + " queries");
        }
        int invalidRows = invalidRows(rows, policy);
        return new EvalResult(outcome(metrics), metrics, scores.shape(), policy.queries(), rows.size(),
                rows.size() - invalidRows, invalidRows, policy.maxInvalid(), warnings, null);
    }

    private static MetricScore gated(String name, double threshold, List<ObjectNode> rows, double maxInvalid, Double baseline) {
        if (rows.stream().noneMatch(row -> row.has(name))) {
            return new MetricScore(name, null, threshold, baseline, MetricScore.Status.MISSING, 0, rows.size());
        }
        Mean mean = mean(name, rows);
        int invalid = rows.size() - mean.valid();
        MetricScore.Status status;
        if (mean.valid() == 0 || (double) invalid / rows.size() > maxInvalid) {
            status = MetricScore.Status.INCONCLUSIVE;
        } else {
            status = mean.value() >= threshold ? MetricScore.Status.PASS : MetricScore.Status.FAIL;
        }
        return new MetricScore(name, mean.value(), threshold, baseline, status, mean.valid(), invalid);
    }

    private static EvalResult.Outcome outcome(List<MetricScore> metrics) {
        Set<MetricScore.Status> statuses = new LinkedHashSet<>();
        metrics.forEach(metric -> statuses.add(metric.status()));
        if (statuses.contains(MetricScore.Status.FAIL) || statuses.contains(MetricScore.Status.MISSING)) {
            return EvalResult.Outcome.FAILED;
        }
        return statuses.contains(MetricScore.Status.INCONCLUSIVE) ? EvalResult.Outcome.INCONCLUSIVE : EvalResult.Outcome.PASSED;
    }

    /** Rows where a gated metric that the output does hold has no valid score. */
    private static int invalidRows(List<ObjectNode> rows, EvalPolicy policy) {
        List<String> present = policy.thresholds().keySet().stream()
                .filter(name -> rows.stream().anyMatch(row -> row.has(name)))
                .toList();
        return (int) rows.stream().filter(row -> present.stream().anyMatch(name -> valid(row.get(name)) == null)).count();
    }

    private record Mean(Double value, int valid) {
    }

    private static Mean mean(String name, List<ObjectNode> rows) {
        double sum = 0;
        int valid = 0;
        for (ObjectNode row : rows) {
            Double score = valid(row.get(name));
            if (score != null) {
                sum += score;
                valid++;
            }
        }
        return new Mean(valid == 0 ? null : sum / valid, valid);
    }

    /** The score when it is a finite number from 0 to 1, else {@code null} (missing, null, NaN, text, out of range). */
    static Double valid(JsonNode value) {
        if (value == null || !value.isNumber()) {
            return null;
        }
        double score = value.doubleValue();
        return Double.isFinite(score) && score >= 0 && score <= 1 ? score : null;
    }

    /** An ungated field is shown when every value it has is a number from 0 to 1, NaN or null, and one is a real score. */
    private static boolean looksLikeScore(String name, List<ObjectNode> rows) {
        boolean anyScore = false;
        for (ObjectNode row : rows) {
            JsonNode value = row.get(name);
            if (value == null || value.isNull() || (value.isNumber() && Double.isNaN(value.doubleValue()))) {
                continue;
            }
            if (valid(value) == null) {
                return false;
            }
            anyScore = true;
        }
        return anyScore;
    }

    private static Set<String> fields(List<ObjectNode> rows) {
        Set<String> names = new LinkedHashSet<>();
        for (ObjectNode row : rows) {
            for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
        }
        return names;
    }
}
