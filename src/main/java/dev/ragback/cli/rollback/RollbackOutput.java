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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shows a run step by step (stdout, or stderr under --json) and renders its end. */
final class RollbackOutput implements StepListener {
    private final Session session;
    private final ConfirmOptions.DryRun confirm;
    private final PrintWriter out;
    private final List<Map<String, Object>> steps = new ArrayList<>();
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
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", step.label());
        json.put("status", status.word());
        json.put("duration_ms", duration.toMillis());
        json.put("detail", detail);
        steps.add(json);
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
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("run_id", outcome.runId());
            doc.put("outcome", outcome.outcome().word());
            doc.put("dry_run", dryRun);
            doc.put("duration_ms", outcome.duration().toMillis());
            doc.put("plan", plan == null ? null : planJson(plan));
            doc.put("steps", steps);
            session.printJson(doc);
            return;
        }
        out.println((dryRun ? "dry run: nothing was changed; " : "rollback " + outcome.runId() + " ")
                + outcome.outcome().word() + " in " + Durations.human(outcome.duration()));
        out.flush();
    }

    private static Map<String, Object> planJson(RollbackPlan plan) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("snapshot", plan.restore().id());
        json.put("restore", RestorePlanView.json(plan.restore()));
        json.put("release_from", plan.revert() == null ? null : plan.revert().from());
        json.put("release_to", plan.releaseTarget());
        json.put("release_note", plan.releaseNote());
        json.put("compat", plan.compat() == null ? "UNKNOWN" : plan.compat().status().name());
        json.put("restore_traffic", plan.restoreTraffic());
        json.put("force", plan.force());
        return json;
    }
}
