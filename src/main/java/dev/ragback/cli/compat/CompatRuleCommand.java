package dev.ragback.cli.compat;

import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.compat.Triple;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/** check and gate: look a triple up and apply a rule; a failed rule is a gate failure (exit 3). */
abstract class CompatRuleCommand implements Callable<Integer> {
    private final Session session;

    @Mixin
    TripleOptions triple;

    CompatRuleCommand(Session session) {
        this.session = session;
    }

    abstract String rule();

    abstract boolean passes(CompatVerdict verdict);

    @Override
    public Integer call() {
        CompatService compat = session.services().compat();
        CompatService.Lookup lookup = compat.liveTriple(triple.binary(), triple.schema(), triple.collection());
        CompatVerdict verdict = compat.check(lookup.triple());
        boolean passed = passes(verdict);
        if (session.json()) {
            session.printJson(json(verdict, passed, lookup.fromLive()));
        } else {
            session.out().println(verdict.status() + "  " + verdict.triple()
                    + (lookup.fromLive().isEmpty() ? "" : "  (live: " + String.join(", ", lookup.fromLive()) + ")"));
        }
        if (!passed) {
            throw new RagbackException(RagbackException.Kind.GATE,
                    "compat " + rule() + ": " + verdict.triple() + " is " + verdict.status()
                            + (verdict.line() > 0 ? " (matrix line " + verdict.line() + ")" : " (not in the matrix)"),
                    "do not promote this combination; pick a release, schema and collection the matrix marks OK");
        }
        if (verdict.warning() != null) {
            session.warn(verdict.warning());
        }
        return ExitCodes.OK;
    }

    private Verdict json(CompatVerdict verdict, boolean passed, List<String> fromLive) {
        Triple triple = verdict.triple();
        return new Verdict(triple.binary(), triple.schema(), triple.collection(), Triple.matrixCollection(triple.collection()),
                verdict.status().name(), verdict.line() == 0 ? null : verdict.line(), rule(), passed, fromLive);
    }

    /**
     * @param line the matrix line; {@code null} when the triple is not in the matrix
     * @param live which parts of the triple were read from the live system
     */
    record Verdict(String binary, String schema, String collection, String matrixCollection, String status, Integer line,
                   String rule, boolean passed, List<String> live) {
    }
}
