package dev.ragback.app.rollback;

import dev.ragback.app.Durations;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.checks.SmokeCheck;
import dev.ragback.app.checks.SmokeReport;
import dev.ragback.app.checks.SmokeService;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.CompatStatus;
import dev.ragback.app.compat.CompatVerdict;
import dev.ragback.app.compat.Triple;
import dev.ragback.app.eval.EvalResult;
import dev.ragback.app.eval.EvalService;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.app.checks.VerifyService;
import dev.ragback.app.restore.RestoreJournal;
import dev.ragback.app.restore.RestorePlan;
import dev.ragback.app.restore.RestoreService;
import dev.ragback.app.traffic.TrafficService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** What each step of {@code rollback auto} does, with the same services the single commands use. Every step is safe to run twice. */
public final class RollbackSteps {
    private static final String COMPAT_CHECK = "compat";

    /** The services a run composes; smoke and eval are built when first needed. */
    public record Services(RestoreService restore, ReleaseService releases, CompatService compat, TrafficService traffic,
                           Supplier<SmokeService> smoke, Supplier<EvalService> eval,
                           Supplier<dev.ragback.app.checks.VerifyService> verify, RunReporter reporter) {
    }

    private final Services services;

    public RollbackSteps(Services services) {
        this.services = services;
    }

    /** The steps after the prompt, in run order: a new step is one line here. */
    List<RollbackStep> afterPrompt(Progress progress) {
        return List.of(
                RollbackStep.of(Step.TRAFFIC_OFF, this::trafficOff, RollbackSteps::trafficOffByHand),
                RollbackStep.of(Step.RESTORE, state -> restore(state, progress), RollbackSteps::restoreByHand),
                RollbackStep.of(Step.REVERT, this::revert, RollbackSteps::revertByHand),
                RollbackStep.of(Step.SMOKE, this::smoke, state -> "ragback smoke"),
                RollbackStep.of(Step.EVAL, this::eval, state -> "ragback eval-quick"),
                RollbackStep.of(Step.TRAFFIC_ON, this::trafficOn, state -> "ragback traffic set 100 (when every gate is green)"),
                RollbackStep.of(Step.REPORT, state -> report(state, RunOutcome.SUCCEEDED, null),
                        state -> "ragback postmortem " + state.runId()));
    }

    static String trafficOffByHand(RunState state) {
        return "ragback traffic set 0" + (state.trafficBefore == null ? "" : " (undo: ragback traffic set " + state.trafficBefore + ")");
    }

    /** A COMMIT that went through stands: the alias switch is finished, never the database undone (TwoPhaseRestore). */
    static String restoreByHand(RunState state) {
        RestorePlan plan = state.plan.restore();
        String hint = "ragback snapshot restore " + plan.id();
        if (plan.qdrantInPlace() || plan.aliasesToSwitch().isEmpty()) {
            return hint;
        }
        return hint + " (if its COMMIT went through, finish it: " + String.join(" and ", plan.aliasesToSwitch().stream()
                .map(alias -> "ragback qdrant switch-alias " + alias + " " + plan.qdrantTarget()).toList()) + ")";
    }

    static String revertByHand(RunState state) {
        ReleaseService.RevertPlan revert = state.plan.revert();
        return "ragback revert last-green" + (revert == null ? "" : " (" + revert.from() + " -> " + revert.to() + "; undo: make "
                + revert.from() + " the current release again)");
    }

    RollbackPlan plan(RunState state) {
        RollbackRequest request = state.request;
        String snapshot = state.resumed != null ? (String) state.resumed.get("snapshot") : request.snapshotId();
        String id = services.restore().pick(snapshot);
        RestorePlan restore = services.restore().plan(id, RestoreService.Only.BOTH);
        String committed = state.resumed == null ? null : RestoreResume.of(state.journal.events(), id).committed();
        if (committed != null) {
            restore = restore.into(committed); // the earlier attempt's COMMIT stands: its collection is the one to finish
        }
        services.smoke().get();
        services.eval().get();
        ReleaseService.Listing listing = services.releases().list();
        String current = listing.current().orElse(null);
        String target = state.resumed != null ? (String) state.resumed.get("release") : null;
        String note = null;
        if (target == null && current == null) {
            note = "no current release (release.dir holds none): revert skipped";
        } else if (target == null && ReleaseService.nothingToRevert(current, listing.releases()) != null) {
            target = current;
            note = ReleaseService.nothingToRevert(current, listing.releases());
        } else if (target == null) {
            try {
                target = services.releases().planRevert(true).to();
            } catch (RagbackException e) {
                if (e.kind() != RagbackException.Kind.EXTERNAL) {
                    throw e;
                }
                note = e.getMessage() + ": revert skipped";
                state.listener.warn(note);
            }
        }
        CompatVerdict verdict = null;
        var manifest = restore.manifest();
        String binary = target != null ? target : current;
        if (binary != null && manifest.schemaVersion() != null) {
            verdict = services.compat().check(new Triple(binary, manifest.schemaVersion(), manifest.qdrant().collection()));
            if (verdict.status() == CompatStatus.INCOMPATIBLE) {
                if (!request.force()) {
                    throw new RagbackException(RagbackException.Kind.GATE, "target " + verdict.triple() + " is INCOMPATIBLE (matrix line "
                            + verdict.line() + ")", "pick another set (--snapshot ID) or release, or override with --force (journaled)");
                }
                state.record(new RunEvent.Forced(verdict.triple().toString(), verdict.line()));
                state.listener.warn("--force: " + verdict.triple() + " is INCOMPATIBLE; going on as asked (journaled)");
            }
        }
        ReleaseService.RevertPlan revert = target != null && !target.equals(current)
                ? new ReleaseService.RevertPlan(current, target, verdict, request.force(), List.of()) : null;
        return new RollbackPlan(state.runId(), state.reason(), restore, revert, target, note, verdict,
                request.restoreTraffic(), request.force());
    }

    StepResult trafficOff(RunState state) {
        TrafficService.Change change = services.traffic().set(0, state.runId());
        change.warnings().forEach(state.listener::warn);
        state.trafficBefore = change.before();
        return StepResult.done("traffic " + (change.before() == null ? "?" : change.before()) + " -> 0 (" + change.where() + ")");
    }

    StepResult restore(RunState state, Progress progress) {
        RestorePlan plan = state.plan.restore();
        RestoreResume earlier = RestoreResume.of(state.journal.events(), plan.id());
        if (earlier.committed() != null) {
            boolean moved = services.restore().finishCommitted(plan, earlier.committed());
            VerifyService.Report verified = services.verify().get().verify(plan.id());
            verified.warnings().forEach(state.listener::warn);
            if (!verified.passed()) {
                throw new RagbackException(RagbackException.Kind.GATE, "the stores differ from set " + plan.id() + ": "
                        + String.join("; ", verified.problems()), null);
            }
            state.record(new RunEvent.RestoreCommittedEarlier(plan.id(), earlier.committed()));
            return StepResult.done("set " + plan.id() + ": committed in an earlier attempt; " + (moved ? "alias switch finished"
                    : "alias already on " + earlier.committed()) + ", verified");
        }
        earlier.started().forEach(collection -> {
            String discarded = services.restore().discardUnfinished(collection);
            if (discarded != null) {
                state.listener.warn(discarded);
            }
        });
        VerifiedRestore.Result result = new VerifiedRestore(services.restore(), services.verify(), null)
                .runLeased(plan, progress, new RestoreJournal() {
                    @Override
                    public void record(String eventType, Map<String, Object> metadata) {
                        state.record(eventType, metadata);
                    }

                    @Override
                    public void say(String line) {
                        state.listener.warn(line.strip());
                    }
                });
        if (result.verified() != null) {
            result.verified().warnings().forEach(state.listener::warn);
        }
        if (!result.passed()) {
            throw new RagbackException(RagbackException.Kind.GATE, "restored, but the stores differ from set "
                    + state.plan.restore().id() + ": " + String.join("; ", result.verified().problems()), null);
        }
        RestoreService.Restored restored = result.restored();
        state.snapshotBytes.put("postgres", restored.postgresBytes());
        state.snapshotBytes.put("qdrant", restored.qdrantBytes());
        return StepResult.done("set " + state.plan.restore().id() + ": postgres " + Durations.human(Duration.ofMillis(restored.postgresMillis()))
                + ", qdrant " + Durations.human(Duration.ofMillis(restored.qdrantMillis())) + " into " + state.plan.restore().qdrantTarget()
                + ", verified");
    }

    StepResult revert(RunState state) {
        ReleaseService.RevertPlan revert = state.plan.revert();
        if (revert == null) {
            return StepResult.skipped(state.plan.releaseNote() == null ? "nothing to revert" : state.plan.releaseNote());
        }
        Optional<String> live = services.releases().current();
        if (live.isPresent() && live.get().equals(revert.to())) {
            return StepResult.done(revert.to() + " is live (switched in an earlier attempt)");
        }
        ReleaseService.Reverted reverted = services.releases().revert(revert, state.runId());
        reverted.warnings().forEach(state.listener::warn);
        return StepResult.done(revert.from() + " -> " + revert.to());
    }

    StepResult smoke(RunState state) {
        SmokeReport report = services.smoke().get().run();
        // the plan was forced over an INCOMPATIBLE target (journaled there), which is now the live triple
        boolean forcedOverCompat = state.plan.force() && state.plan.compat() != null
                && state.plan.compat().status() == CompatStatus.INCOMPATIBLE;
        List<SmokeCheck> failures = new ArrayList<>();
        for (SmokeCheck failed : report.failures()) {
            if (forcedOverCompat && failed.name().equals(COMPAT_CHECK)) {
                state.listener.warn("--force: smoke check compat failed and is not a gate here: " + failed.detail());
            } else {
                failures.add(failed);
            }
        }
        if (!failures.isEmpty()) {
            throw new RagbackException(SmokeReport.failureKind(failures), "smoke failed: " + String.join(", ",
                    failures.stream().map(c -> c.name() + " (" + c.detail() + ")").toList()), null);
        }
        return StepResult.done(report.checks().stream().filter(c -> c.status() == SmokeCheck.Status.PASS).count() + " of "
                + report.checks().size() + " checks passed");
    }

    StepResult eval(RunState state) {
        EvalService eval = services.eval().get();
        EvalResult result = eval.evaluate(eval.policy(), state.plan.restore().manifest().baselineScores());
        String audit = result.judge() == null ? "" : "; audit file " + result.judge().transcript();
        if (!result.passed()) {
            throw new RagbackException(RagbackException.Kind.GATE, "eval " + result.outcome().name().toLowerCase(java.util.Locale.ROOT)
                    + ": " + result.failureSummary() + audit, null);
        }
        List<String> gated = result.metrics().stream().filter(m -> m.threshold() != null)
                .map(m -> String.format(java.util.Locale.ROOT, "%s %.3f >= %.2f", m.metric(), m.value(), m.threshold())
                        + (m.baseline() == null ? "" : " (baseline " + EvalResult.score(m.baseline()) + ")")).toList();
        return StepResult.done((gated.isEmpty() ? "passed" : String.join(", ", gated)) + audit);
    }

    /** A run that stopped before traffic_off: if users are still served, say so (the alert is still firing). */
    void warnIfServing(RunState state) {
        services.traffic().serving("the stores this rollback did not restore").ifPresent(state.listener::warn);
    }

    StepResult trafficOn(RunState state) {
        if (!state.plan.restoreTraffic()) {
            return StepResult.skipped("traffic stays at 0; when you are satisfied: ragback traffic set 100");
        }
        TrafficService.Change change = services.traffic().set(100, state.runId());
        change.warnings().forEach(state.listener::warn);
        return StepResult.done("traffic 0 -> 100");
    }

    StepResult report(RunState state, RunOutcome outcome, Step failed) {
        RunReporter.Delivery delivery = services.reporter().report(summary(state, outcome, failed));
        delivery.warnings().forEach(state.listener::warn);
        return StepResult.done(delivery.detail());
    }

    void reportQuietly(RunState state, RunOutcome outcome, Step failed) {
        try {
            RunReporter.Delivery delivery = services.reporter().report(summary(state, outcome, failed));
            delivery.warnings().forEach(state.listener::warn);
            state.listener.warn("report: " + delivery.detail());
        } catch (RuntimeException e) {
            state.listener.warn("report after the failure did not go out: " + e.getMessage());
        }
    }

    private static RunReporter.RunSummary summary(RunState state, RunOutcome outcome, Step failed) {
        RollbackPlan plan = state.plan;
        return new RunReporter.RunSummary(state.runId(), state.reason(), outcome.word(), failed == null ? null : failed.label(),
                state.elapsed().toMillis() / 1000.0, state.stepSeconds, plan == null ? null : plan.restore().id(),
                plan == null ? null : plan.releaseTarget(), state.snapshotBytes, state.journal.local());
    }

}
