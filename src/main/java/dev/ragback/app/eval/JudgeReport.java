package dev.ragback.app.eval;

import java.util.List;

/**
 * What a judge-mode evaluation adds to its {@link EvalResult}.
 *
 * @param rows           every query, in dataset order
 * @param transcript     where every exchange was written (the audit file)
 * @param judge          the model and endpoint that judged
 * @param responseFormat {@code json_schema}, or {@code json_object} when the endpoint refused structured output
 */
public record JudgeReport(List<JudgedRow> rows, String transcript, String judge, String responseFormat) {
    public JudgeReport {
        rows = List.copyOf(rows);
    }
}
