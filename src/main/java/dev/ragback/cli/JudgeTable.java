package dev.ragback.cli;

import dev.ragback.app.eval.EvalResult;
import dev.ragback.app.eval.JudgeReport;
import dev.ragback.app.eval.JudgedRow;

import java.io.PrintWriter;
import java.util.List;

/** eval.mode judge's per-query rows, as a table (before the metric table) and as JSON. */
final class JudgeTable {
    private JudgeTable() {
    }

    static void rows(PrintWriter out, JudgeReport report) {
        int width = Math.max("ID".length(), report.rows().stream().mapToInt(r -> r.id().length()).max().orElse(0)) + 2;
        String format = "%-" + width + "s %-10s %-8s %-9s %s%n";
        out.printf(format, "ID", "STATEMENTS", "VERDICTS", "SUPPORTED", "SCORE");
        for (JudgedRow row : report.rows()) {
            out.printf(format, row.id(), count(row.statements()), count(row.verdicts()), count(row.supported()),
                    row.valid() ? EvalResult.score(row.score()) : "NaN (" + row.reason() + ")");
        }
        out.println();
    }

    static List<QueryRow> json(JudgeReport report) {
        return report.rows().stream().map(row -> new QueryRow(row.id(), row.statements(), row.verdicts(), row.supported(),
                row.valid() ? row.score() : null, row.reason())).toList();
    }

    /** @param score {@code null} for a NaN row, which {@code reason} explains */
    record QueryRow(String id, Integer statements, Integer verdicts, Integer supported, Double score, String reason) {
    }

    private static String count(Integer value) {
        return value == null ? "-" : value.toString();
    }
}
