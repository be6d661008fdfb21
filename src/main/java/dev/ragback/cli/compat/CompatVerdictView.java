package dev.ragback.cli.compat;

import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.compat.Triple;
import dev.ragback.cli.Session;

import java.util.LinkedHashMap;
import java.util.Map;

/** Renders a verdict for check and gate, and turns a failed rule into a gate failure. */
final class CompatVerdictView {
    private CompatVerdictView() {
    }

    static int render(Session session, CompatVerdict verdict, String rule, boolean passed) {
        if (session.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("binary", verdict.triple().binary());
            out.put("schema", verdict.triple().schema());
            out.put("collection", verdict.triple().collection());
            out.put("matrix_collection", Triple.matrixCollection(verdict.triple().collection()));
            out.put("status", verdict.status().name());
            out.put("line", verdict.line() == 0 ? null : verdict.line());
            out.put("rule", rule);
            out.put("passed", passed);
            session.printJson(out);
        } else {
            session.out().println(verdict.status() + "  " + verdict.triple());
        }
        if (!passed) {
            throw new RagbackException(RagbackException.Kind.GATE,
                    "compat " + rule + ": " + verdict.triple() + " is " + verdict.status()
                            + (verdict.line() > 0 ? " (matrix line " + verdict.line() + ")" : " (not in the matrix)"),
                    "do not promote this combination; pick a release, schema and collection the matrix marks OK");
        }
        if (verdict.warning() != null) {
            session.warn(verdict.warning());
        }
        return 0;
    }
}
