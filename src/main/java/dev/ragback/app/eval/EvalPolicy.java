package dev.ragback.app.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a quick evaluation asks for and what it must reach.
 *
 * @param queries    how many queries the evaluator runs ({@code {queries}})
 * @param thresholds metric name to the minimum mean score, in order (e.g. {@code faithfulness -> 0.80})
 * @param maxInvalid the share of rows with no valid score above which a metric is inconclusive (0..1)
 */
public record EvalPolicy(int queries, Map<String, Double> thresholds, double maxInvalid) {
    public static final String FAITHFULNESS = "faithfulness";

    public EvalPolicy {
        thresholds = Collections.unmodifiableMap(new LinkedHashMap<>(thresholds));
    }

    /** This policy with another number of queries; {@code null} keeps it. */
    public EvalPolicy withQueries(Integer count) {
        return count == null ? this : new EvalPolicy(count, thresholds, maxInvalid);
    }

    /** This policy with {@code metric}'s threshold set (added when absent); {@code null} keeps it. */
    public EvalPolicy withThreshold(String metric, Double minimum) {
        if (minimum == null) {
            return this;
        }
        Map<String, Double> changed = new LinkedHashMap<>(thresholds);
        changed.put(metric, minimum);
        return new EvalPolicy(queries, changed, maxInvalid);
    }
}
