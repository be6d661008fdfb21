package dev.ragback.app.eval;

/**
 * One query of a judge-mode evaluation.
 *
 * @param id         the dataset's id of the query
 * @param statements statements the judge found in the answer; {@code null} when it did not get that far
 * @param verdicts   verdicts the judge returned (the score's denominator); {@code null} when it did not get that far
 * @param supported  verdicts of 1; {@code null} when it did not get that far
 * @param score      supported / verdicts, or NaN
 * @param reason     why the score is NaN; {@code null} when it is not
 */
public record JudgedRow(String id, Integer statements, Integer verdicts, Integer supported, double score, String reason) {

    static JudgedRow nan(String id, Integer statements, String reason) {
        return new JudgedRow(id, statements, null, null, Double.NaN, reason);
    }

    public boolean valid() {
        return !Double.isNaN(score);
    }
}
