package dev.ragback.app.rollback;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.RunLock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run while it executes: its journal, the steps done, the plan, the lease. Events before the
 * first {@code rollback_auto} (which needs the plan's set and release) are held back, so that
 * event is always the run's first.
 */
final class RunState {
    final Journal journal;
    final String host;
    final StepListener listener;
    final RollbackRequest request;
    final Map<String, Object> resumed;
    final Set<Step> succeeded = EnumSet.noneOf(Step.class);
    final Map<String, Double> stepSeconds = new LinkedHashMap<>();
    final Map<String, Long> snapshotBytes = new LinkedHashMap<>();
    private final Clock clock;
    private final Instant started;
    private volatile Duration promptWait = Duration.ZERO;
    private volatile Instant runningSince;
    private final List<Held> heldBack = new ArrayList<>();
    private boolean opened;
    RollbackPlan plan;
    RunLock.Lease lease;
    Step running;
    Step failedStep;
    /** The step begun last: the one the run stopped at when it fails or is interrupted. */
    private volatile RollbackStep lastBegun;
    /** The traffic percent before traffic_off changed it, for its undo hint. */
    volatile Integer trafficBefore;
    boolean finished;

    RunState(Journal journal, String host, StepListener listener, Clock clock, RollbackRequest request, Map<String, Object> resumed) {
        this.journal = journal;
        this.host = host;
        this.listener = listener;
        this.clock = clock;
        this.request = request;
        this.resumed = resumed;
        this.started = clock.instant();
        this.opened = resumed != null;
    }

    String runId() {
        return journal.runId();
    }

    String reason() {
        return resumed != null ? String.valueOf(resumed.get("reason")) : request.reason();
    }

    /** The time spent at the confirmation prompt: not the run's (the duration metric, history and postmortem leave it out). */
    void waitedAtPrompt(Duration wait) {
        promptWait = wait;
    }

    Duration elapsed() {
        return Duration.between(started, clock.instant()).minus(promptWait);
    }

    void record(RunEvent event) {
        record(event.type(), event.metadata());
    }

    synchronized void record(String eventType, Map<String, Object> metadata) {
        if (!opened) {
            heldBack.add(new Held(eventType, metadata));
            return;
        }
        journal.record(eventType, metadata);
    }

    /** Writes {@code rollback_auto}, then what was held back. */
    synchronized void open(String snapshot, String release) {
        if (opened) {
            return;
        }
        opened = true;
        RunEvent start = new RunEvent.Started(request.reason(), started.toString(), snapshot, release, host, request.dryRun(),
                request.restoreTraffic(), request.force());
        journal.record(start.type(), start.metadata());
        for (Held event : heldBack) {
            journal.record(event.type(), event.metadata());
        }
        heldBack.clear();
    }

    /** Writes {@code rollback_auto} if it is not written yet; a journal that cannot be written is left to {@link #finish}. */
    synchronized void openQuietly() {
        if (!opened) {
            try {
                open(plan == null ? null : plan.restore().id(), plan == null ? null : plan.releaseTarget());
            } catch (RagbackException e) {
                listener.warn("the start of run " + runId() + " could not be recorded: " + e.getMessage());
            }
        }
    }

    void runStep(RollbackStep rollbackStep) {
        Step step = rollbackStep.name();
        if (succeeded.contains(step) && !rollbackStep.repeatsOnResume()) {
            record(new RunEvent.StepChanged(step, StepStatus.SKIPPED, 0, "succeeded in an earlier attempt of this run"));
            listener.finished(step, StepStatus.SKIPPED, Duration.ZERO, "done in an earlier attempt");
            return;
        }
        Instant begin = clock.instant();
        runningSince = begin;
        running = step;
        lastBegun = rollbackStep;
        listener.started(step);
        record(new RunEvent.StepChanged(step, StepStatus.STARTED, 0, null));
        StepResult result;
        try {
            result = rollbackStep.run(this);
        } catch (RagbackException e) {
            failed(step, begin, e.getMessage(), e);
            throw e;
        } catch (Exception e) {
            RagbackException failure = RagbackException.external("step " + step.label() + " failed: " + e, null, e);
            failed(step, begin, String.valueOf(e.getMessage()), failure);
            throw failure;
        }
        end(step, result.status(), begin, result.detail());
        succeeded.add(step);
    }

    // a journal that cannot be written (TaskDB down, disk full) must not hide why the step failed
    private void failed(Step step, Instant begin, String detail, RagbackException failure) {
        try {
            end(step, StepStatus.FAILED, begin, detail);
        } catch (RagbackException journal) {
            failedStep = step;
            running = null;
            failure.addSuppressed(journal);
            listener.warn("the failure of step " + step.label() + " could not be recorded: " + journal.getMessage());
        }
    }

    private synchronized void end(Step step, StepStatus status, Instant begin, String detail) {
        if (finished) {
            return;
        }
        Duration took = Duration.between(begin, clock.instant());
        stepSeconds.put(step.label(), took.toMillis() / 1000.0);
        if (status == StepStatus.FAILED) {
            failedStep = step;
        }
        record(new RunEvent.StepChanged(step, status, took.toMillis(), detail));
        listener.finished(step, status, took, detail);
        running = null;
    }

    synchronized RollbackService.Outcome finish(RunOutcome outcome, Step failed) {
        if (!finished) {
            if (!opened) {
                open(plan == null ? null : plan.restore().id(), plan == null ? null : plan.releaseTarget());
            }
            record(new RunEvent.Finished(outcome.word(), failed == null ? null : failed.label(), elapsed().toMillis() / 1000.0,
                    promptWait.toMillis() / 1000.0));
            finished = true;
        }
        return new RollbackService.Outcome(runId(), outcome, failed, elapsed(), plan);
    }

    /** Ctrl-C: the step in progress failed as interrupted, the run aborted. */
    synchronized void abort() {
        Step step = running != null ? running : failedStep;
        if (running != null) {
            end(running, StepStatus.FAILED, runningSince, "interrupted (Ctrl-C)");
        }
        failedStep = step;
        finish(RunOutcome.ABORTED, step);
    }

    /** What to run by hand for the step the run stopped at ({@link RollbackStep#undoHint}), or {@code null}. */
    String undoHint() {
        RollbackStep step = lastBegun;
        return step == null ? null : step.undoHint(this);
    }

    synchronized void releaseLock() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }

    /** An event recorded before {@code rollback_auto} could be written. */
    private record Held(String type, Map<String, Object> metadata) {
    }
}
