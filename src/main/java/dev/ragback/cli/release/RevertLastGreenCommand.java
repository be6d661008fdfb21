package dev.ragback.cli.release;

import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "last-green", description = "Activate the newest green release older than the current one, after checking "
        + "the compat matrix with the live schema and collection: INCOMPATIBLE exits 3 and changes nothing unless --force.")
final class RevertLastGreenCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--force", description = "Revert even when the matrix says INCOMPATIBLE or the live triple cannot be read.")
    boolean force;

    @Mixin
    ConfirmOptions.DryRun confirm;

    RevertLastGreenCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        ReleaseService releases = session.services().releases();
        ReleaseService.RevertPlan plan = releases.planRevert(force);
        if (plan.nothingToRevert()) {
            // exit 0: the runbook's make chain goes on when only the data went bad
            String note = ReleaseService.nothingToRevert(plan.from(), releases.list().releases());
            if (session.json()) {
                session.printJson(json(plan, false, null, List.of(note)));
            } else {
                session.out().println(note);
            }
            return ExitCodes.OK;
        }
        if (!session.json()) {
            CompatVerdict verdict = plan.verdict();
            session.out().println("revert: " + plan.from() + " -> " + plan.to());
            session.out().println("compat: " + verdict.status() + "  " + verdict.triple()
                    + (verdict.line() > 0 ? "  (matrix line " + verdict.line() + ")" : ""));
            session.out().flush();
        }
        plan.warnings().forEach(session::warn);
        if (!confirm.proceed("Activate release " + plan.to() + " (now " + plan.from() + ")?")) {
            finish(plan, false, null, plan.warnings());
            return ExitCodes.OK;
        }
        ReleaseService.Reverted result = releases.revert(plan, null);
        result.warnings().stream().skip(plan.warnings().size()).forEach(session::warn);
        finish(plan, true, result.eventId(), result.warnings());
        return ExitCodes.OK;
    }

    private void finish(ReleaseService.RevertPlan plan, boolean changed, Long eventId, List<String> warnings) {
        if (session.json()) {
            session.printJson(json(plan, changed, eventId, warnings));
        } else {
            session.out().println(changed ? "release " + plan.to() + " is live (was " + plan.from() + ")" : "dry run: nothing changed");
        }
    }

    private static Revert json(ReleaseService.RevertPlan plan, boolean changed, Long eventId, List<String> warnings) {
        CompatVerdict verdict = plan.verdict();
        RevertCompat compat = verdict == null ? null : new RevertCompat(verdict.status().name(), verdict.triple().binary(),
                verdict.triple().schema(), verdict.triple().collection(), verdict.line() == 0 ? null : verdict.line());
        return new Revert(plan.from(), plan.to(), compat, plan.forced(), !changed, changed, eventId, warnings);
    }

    record Revert(String from, String to, RevertCompat compat, boolean forced, boolean dryRun, boolean changed, Long eventId,
                  List<String> warnings) {
    }

    /** @param line the matrix line; {@code null} when the triple is not in the matrix */
    record RevertCompat(String status, String binary, String schema, String collection, Integer line) {
    }
}
