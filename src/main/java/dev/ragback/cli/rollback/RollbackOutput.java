package dev.ragback.cli.rollback;

import dev.ragback.app.Durations;
import dev.ragback.app.rollback.RollbackPlan;
import dev.ragback.app.rollback.RollbackService;
import dev.ragback.app.rollback.Step;
import dev.ragback.app.rollback.StepListener;
import dev.ragback.app.rollback.StepStatus;
import dev.ragback.cli.ConfirmOptions;
import dev.ragback.cli.Session;
import dev.ragback.cli.snapshot.RestorePlanView;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shows a run step by step (stdout, or stderr under --json) and renders its end. */
final class RollbackOutput implements StepListener {
    private final Session session;
    private final ConfirmOptions.DryRun confirm;
    private final PrintWriter out;
    private final List<StepRow> steps = new ArrayList<>();
    private RollbackPlan plan;

    RollbackOutput(Session session, ConfirmOptions.DryRun confirm) {
        this.session = session;
        this.confirm = confirm;
        this.out = session.json() ? session.err() : session.out();
    }

    @Override
    public void started(Step step) {
        out.printf("==> %-11s ...%n", step.label());
        out.flush();
    }

    @Override
    public void finished(Step step, StepStatus status, Duration duration, String detail) {
        out.printf("    %-11s %-9s %7s  %s%n", step.label(), status.word(), Durations.human(duration),
                detail == null ? "" : session.forPerson(detail));
        out.flush();
        steps.add(new StepRow(step.label(), status.word(), duration.toMillis(), detail));
    }

    @Override
    public void plan(RollbackPlan plan) {
        this.plan = plan;
        out.println("Rollback " + plan.runId() + " (reason " + plan.reason() + ")");
        RestorePlanView.print(session, plan.restore(), false);
        out.println("  release   " + (plan.revert() != null ? plan.revert().from() + " -> " + plan.revert().to()
                : plan.releaseNote() == null ? "unchanged" : plan.releaseNote()));
        out.println("  target    " + (plan.compat() == null ? "compat UNKNOWN" : plan.compat().status() + " " + plan.compat().triple()));
        out.println("  traffic   0 during the run; " + (plan.restoreTraffic() ? "back to 100 when every gate is green"
                : "stays at 0 afterwards (--restore-traffic not given)"));
        out.flush();
    }

    @Override
    public void confirm(RollbackPlan plan) {
        confirm.confirm("ragback: set traffic to 0 and restore snapshot " + plan.restore().id() + "?");
    }

    @Override
    public void warn(String message) {
        session.warn(message);
    }

    void done(RollbackService.Outcome outcome, boolean dryRun) {
        if (session.json()) {
            session.printJson(new Run(outcome.runId(), outcome.outcome().word(), dryRun, outcome.duration().toMillis(),
                    plan == null ? null : PlanSummary.of(plan), steps));
            return;
        }
        out.println((dryRun ? "dry run: nothing was changed; " : "rollback " + outcome.runId() + " ")
                + outcome.outcome().word() + " in " + Durations.human(outcome.duration()));
        out.flush();
    }

    /** The --json document of a run: {@code plan} is {@code null} when the run stopped before it had one. */
    record Run(String runId, String outcome, boolean dryRun, long durationMs, PlanSummary plan, List<StepRow> steps) {
    }

    /** @param restore the restore plan, as snapshot restore --dry-run --json shows it */
    record PlanSummary(String snapshot, RestorePlanView.Document restore, String releaseFrom, String releaseTo, String releaseNote,
                       String compat, boolean restoreTraffic, boolean force) {
        static PlanSummary of(RollbackPlan plan) {
            return new PlanSummary(plan.restore().id(), RestorePlanView.json(plan.restore()),
                    plan.revert() == null ? null : plan.revert().from(), plan.releaseTarget(), plan.releaseNote(),
                    plan.compat() == null ? "UNKNOWN" : plan.compat().status().name(), plan.restoreTraffic(), plan.force());
        }
    }

    record StepRow(String step, String status, long durationMs, String detail) {
    }
}
