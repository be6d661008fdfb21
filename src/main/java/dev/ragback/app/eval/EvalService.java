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
    private final JudgeEvaluation judge;
    private final EvalPolicy policy;

    /** @param policy the configured policy (eval.queries, eval.thresholds, eval.max_invalid) */
    public EvalService(EvalRunner runner, EvalPolicy policy) {
        this.runner = runner;
        this.judge = null;
        this.policy = policy;
    }

    /** eval.mode judge: faithfulness computed here, with the RAG service and the judge behind {@code judge}. */
    public EvalService(JudgeEvaluation judge, EvalPolicy policy) {
        this.runner = null;
        this.judge = judge;
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
        if (judge != null) {
            JudgeEvaluation.JudgedRun run = judge.run(policy.queries());
            // a shorter dataset is warned about by the run, in its own words
            EvalResult result = ScoreAggregator.aggregate(new EvalOutputReader.Scores(EvalResult.Shape.ROWS, run.scoreRows()),
                    policy.withQueries(run.rows().size()), baseline);
            return result.withJudge(new JudgeReport(run.rows(), run.transcript(), judge.describe(), judge.responseFormat()),
                    run.warnings());
        }
        EvalRunner.Output output = runner.run(policy.queries());
        return ScoreAggregator.aggregate(EvalOutputReader.read(output), policy, baseline);
    }
}
