package dev.ragback.app.eval;

import dev.ragback.app.port.EvalRunner;

import java.util.Map;

/**
 * The quick answer-quality evaluation (runbook: "RAGAS quick (20 queries) → faithfulness ≥ 0.80"):
 * runs the evaluator, reads its scores, averages them per metric and judges them against the
 * thresholds. The verdict is returned, not thrown: callers (eval-quick, rollback auto) decide how
 * a failed or inconclusive evaluation ends.
 */
public final class EvalService {
    private final EvalRunner runner;
    private final EvalPolicy policy;

    /** @param policy the configured policy (eval.queries, eval.thresholds, eval.max_invalid) */
    public EvalService(EvalRunner runner, EvalPolicy policy) {
        this.runner = runner;
        this.policy = policy;
    }

    /** The configured policy, to derive a changed one from. */
    public EvalPolicy policy() {
        return policy;
    }

    /** Evaluates with the configured policy and no baseline. */
    public EvalResult evaluate() {
        return evaluate(policy, Map.of());
    }

    /**
     * Runs the evaluator for {@code policy.queries()} queries and judges its scores.
     *
     * @param baseline metric to the golden set's recorded value, shown beside each metric; null or empty when none
     * @throws dev.ragback.app.RagbackException EXTERNAL when the evaluator fails, times out or its output is not
     *                                          scores; INTERRUPTED when interrupted
     */
    public EvalResult evaluate(EvalPolicy policy, Map<String, Double> baseline) {
        EvalRunner.Output output = runner.run(policy.queries());
        return ScoreAggregator.aggregate(EvalOutputReader.read(output), policy, baseline);
    }
}
