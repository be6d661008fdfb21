package dev.ragback.app.eval;

/**
 * One metric of a quick evaluation.
 *
 * @param metric    e.g. {@code faithfulness}
 * @param value     mean over the valid rows; {@code null} when there is none
 * @param threshold the minimum it must reach; {@code null} for a metric shown but not gated
 * @param baseline  the golden set's recorded value; {@code null} when none was recorded
 * @param status    the verdict on this metric
 * @param valid     rows with a score from 0 to 1
 * @param invalid   rows whose score is missing, NaN, null, not a number or out of range
 */
public record MetricScore(String metric, Double value, Double threshold, Double baseline, Status status,
                          int valid, int invalid) {

    /** The verdict on one metric. */
    public enum Status {
        /** Mean at or above the threshold. */
        PASS,
        /** Mean below the threshold. */
        FAIL,
        /** Gated, but the evaluator's output has no such metric. */
        MISSING,
        /** Too many invalid rows (more than eval.max_invalid), or none valid. */
        INCONCLUSIVE,
        /** Shown for information, no threshold. */
        UNGATED
    }

    /** {@code true} or {@code false} for a gated metric with a verdict; {@code null} when ungated or inconclusive. */
    public Boolean pass() {
        return switch (status) {
            case PASS -> true;
            case FAIL, MISSING -> false;
            case INCONCLUSIVE, UNGATED -> null;
        };
    }

    /** Share of invalid rows, 0 when there are none. */
    public double invalidShare() {
        int total = valid + invalid;
        return total == 0 ? 0 : (double) invalid / total;
    }
}
