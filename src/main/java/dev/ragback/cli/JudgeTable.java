package dev.ragback.cli;

import dev.ragback.app.eval.EvalResult;
import dev.ragback.app.eval.JudgeReport;
import dev.ragback.app.eval.JudgedRow;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    static List<Map<String, Object>> json(JudgeReport report) {
        return report.rows().stream().map(row -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", row.id());
            out.put("statements", row.statements());
            out.put("verdicts", row.verdicts());
            out.put("supported", row.supported());
            out.put("score", row.valid() ? row.score() : null);
            out.put("reason", row.reason());
            return out;
        }).toList();
    }

    private static String count(Integer value) {
        return value == null ? "-" : value.toString();
    }
}
