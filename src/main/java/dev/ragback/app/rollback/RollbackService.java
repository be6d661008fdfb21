package dev.ragback.app.rollback;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.RunLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code rollback auto}: lock, plan, traffic_off, restore, revert, smoke, eval, traffic_on, report
 * (SPEC section 8), every step journaled before and after, resumable from the first step that did
 * not succeed. It composes the services the single commands use.
 */
public final class RollbackService {
    private static final Logger LOG = LoggerFactory.getLogger(RollbackService.class);
    private static final Pattern REASON = Pattern.compile("[a-z0-9_]{1,64}");
    private static final Pattern RUN_ID = Pattern.compile("rollback_\\d{1,19}");
    static final String MANUAL = "the manual procedure is section 4 of the runbook (RAG_ROLLBACK.md)";

    /** The end of a run. */
    public record Outcome(String runId, RunOutcome outcome, Step failedStep, Duration duration, RollbackPlan plan) {
    }

    private final RollbackSteps steps;
    private final RunLock lock;
    private final RunLock fallbackLock;
    private final AuditLog audit;
    private final Path journalDir;
    private final Clock clock;
    private final RunLock.Holder self;
    private volatile RunState current;

    public RollbackService(RollbackSteps steps, RunLocks locks, Path journalDir) {
        this.steps = steps;
        this.lock = locks.primary();
        this.fallbackLock = locks.fallback();
        this.audit = locks.audit();
        this.journalDir = journalDir;
        this.clock = locks.clock();
        this.self = new RunLock.Holder(null, locks.host(), locks.pid(), clock.instant());
    }

    public static void checkReason(String reason) {
        if (reason == null || !REASON.matcher(reason).matches()) {
            throw RagbackException.usage("--reason must match [a-z0-9_]+ (e.g. faithfulness_drop, gate_fail_rate, manual), not '"
                    + dev.ragback.app.Names.printable(reason) + "'");
        }
    }

    public static void checkRunId(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw RagbackException.usage("run id must look like rollback_1764300000, not '" + dev.ragback.app.Names.printable(runId) + "'");
        }
    }

    public Outcome run(RollbackRequest request, StepListener listener, Progress progress) {
        RunState state = start(request, listener);
        current = state;
        try {
            state.runStep(RollbackStep.repeated(Step.LOCK, s -> takeLock(s, request)));
            state.runStep(RollbackStep.repeated(Step.PLAN, s -> {
                s.plan = steps.plan(s);
                s.open(s.plan.restore().id(), s.plan.releaseTarget());
                listener.plan(s.plan);
                return StepResult.done("set " + s.plan.restore().id() + ", release "
                        + (s.plan.releaseTarget() == null ? "unknown" : s.plan.releaseTarget()));
            }));
            if (request.dryRun()) {
                return state.finish(RunOutcome.SUCCEEDED, null);
            }
            Instant asked = clock.instant();
            try {
                listener.confirm(state.plan);
            } catch (RagbackException declined) {
                state.failedStep = Step.PLAN;
                throw new Declined(declined);
            } finally {
                state.waitedAtPrompt(Duration.between(asked, clock.instant()));
            }
            for (RollbackStep step : steps.afterPrompt(progress)) {
                state.runStep(step);
            }
            return state.finish(RunOutcome.SUCCEEDED, null);
        } catch (RagbackException e) {
            if (state.failedStep == Step.LOCK && e.kind() == RagbackException.Kind.LOCKED && request.resumeRunId() == null) {
                // refused before it began: its id may equal the holder's, whose audit trail it must not touch
                state.finished = true;
                throw failure(state, e);
            }
            boolean blocked = state.failedStep == Step.LOCK || state.failedStep == Step.PLAN;
            if (blocked) {
                steps.warnIfServing(state);
            }
            RunOutcome outcome = e.kind() == RagbackException.Kind.INTERRUPTED ? RunOutcome.ABORTED
                    : blocked ? RunOutcome.BLOCKED : RunOutcome.FAILED;
            // a blocked run is reported too (the alert that started it waits for an answer), but not one a person declined
            if (state.failedStep != null && state.failedStep != Step.REPORT && !(e instanceof Declined)
                    && e.kind() != RagbackException.Kind.LOCKED && !request.dryRun()) {
                state.openQuietly();
                steps.reportQuietly(state, outcome, state.failedStep);
            }
            try {
                state.finish(outcome, state.failedStep);
            } catch (RagbackException journal) {
                // the first failure is the one to report; that its end was not recorded is a warning
                state.listener.warn("the end of run " + state.runId() + " could not be recorded: " + journal.getMessage());
                e.addSuppressed(journal);
            }
            throw failure(state, e);
        } finally {
            current = null;
            state.releaseLock();
        }
    }

    /**
     * Ctrl-C: journal the run as aborted (called from a shutdown hook); returns what to tell the user,
     * with the resume command, or empty when no run was going on.
     */
    public java.util.Optional<RagbackException> abort() {
        RunState state = current;
        if (state == null || state.finished) {
            return java.util.Optional.empty();
        }
        state.abort();
        state.releaseLock(); // the JVM halts after the hook: the finally that would release it never runs
        return java.util.Optional.of(failure(state, new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted (Ctrl-C)")));
    }

    private RunState start(RollbackRequest request, StepListener listener) {
        if (request.resumeRunId() != null) {
            Journal journal = new Journal(audit, journalDir, request.resumeRunId(), clock);
            List<AuditLog.Event> events = journal.events();
            AuditLog.Event first = events.stream().filter(e -> e.eventType().equals("rollback_auto")).findFirst()
                    .orElseThrow(() -> RagbackException.usage("no run " + request.resumeRunId() + " in TaskDB or the local journal"
                            + " (see: ragback history)"));
            RunState state = new RunState(journal, self.host(), listener, clock, request, first.metadata());
            state.succeeded.addAll(succeededSteps(events));
            state.record("rollback_resumed", Map.of("resumed_from", state.succeeded.toString(), "host", self.host()));
            return state;
        }
        long second = clock.instant().getEpochSecond();
        // two runs in the same second must not share a run id (and so an audit trail)
        while (!new Journal(audit, journalDir, "rollback_" + second, clock).events().isEmpty()) {
            second++;
        }
        String runId = "rollback_" + second;
        return new RunState(new Journal(audit, journalDir, runId, clock), self.host(), listener, clock, request, null);
    }

    private static Set<Step> succeededSteps(List<AuditLog.Event> events) {
        Set<Step> done = new java.util.LinkedHashSet<>();
        for (AuditLog.Event event : events) {
            if (event.eventType().equals("rollback_step") && StepStatus.SUCCEEDED.word().equals(event.metadata().get("status"))) {
                try {
                    done.add(Step.valueOf(String.valueOf(event.metadata().get("step")).toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    LOG.debug("unknown step in the journal: {}", event.metadata().get("step"));
                }
            }
        }
        return done;
    }

    private StepResult takeLock(RunState state, RollbackRequest request) {
        RunLock.Holder me = new RunLock.Holder(state.runId(), self.host(), self.pid(), clock.instant());
        RunLock.Lease lease = Locks.acquire(lock, fallbackLock, me, request.breakLock(), state.listener::warn);
        state.lease = lease;
        replayLocalJournals(state.listener);
        if (lease.broken() != null) {
            state.record("rollback_lock_broken", Map.of("broken", lease.broken().toString()));
            return StepResult.done("held; broke the stale lease of " + lease.broken());
        }
        return StepResult.done("held by " + me);
    }

    // under the lock, so that no run still appends to a journal being replayed
    private void replayLocalJournals(StepListener listener) {
        try {
            List<String> replayed = Journal.replayPending(audit, journalDir);
            if (!replayed.isEmpty()) {
                listener.warn("replayed the local journal of " + String.join(", ", replayed) + " into TaskDB");
            }
        } catch (RagbackException e) {
            LOG.debug("no replay: {}", e.getMessage());
        }
    }

    /** A person answered no at the prompt: the run ends after its plan, nothing changed. */
    private static final class Declined extends RagbackException {
        Declined(RagbackException answer) {
            super(answer.kind(), answer.getMessage(), answer.hint(), answer);
        }
    }

    private RagbackException failure(RunState state, RagbackException e) {
        if (e instanceof Declined) {
            return new RagbackException(e.kind(), "rollback auto " + state.runId() + ": " + e.getMessage(), e.hint(), e);
        }
        if (e.kind() == RagbackException.Kind.INTERRUPTED) {
            return new RagbackException(e.kind(), "rollback auto " + state.runId() + " was interrupted at step "
                    + label(state.failedStep) + "; traffic stays at 0", "resume with: ragback rollback auto --resume "
                    + state.runId() + " (or by hand: " + byHand(state) + MANUAL + ")", e);
        }
        if (state.failedStep == Step.LOCK || state.failedStep == Step.PLAN) {
            return new RagbackException(e.kind(), "rollback auto: " + e.getMessage() + " (nothing was changed)",
                    e.hint(), e);
        }
        return new RagbackException(e.kind(), "rollback auto " + state.runId() + " failed at step " + label(state.failedStep)
                + ": " + e.getMessage() + "; traffic stays at 0",
                "fix it, then resume: ragback rollback auto --resume " + state.runId() + " — or by hand: " + byHand(state) + MANUAL, e);
    }

    /** The stopped step's {@link RollbackStep#undoHint}, to run before the rest of the manual procedure. */
    private static String byHand(RunState state) {
        String hint = state.undoHint();
        return hint == null ? "" : hint + ", then ";
    }

    private static String label(Step step) {
        return step == null ? "?" : step.label();
    }

    static Instant now(Clock clock) {
        return clock.instant();
    }
}
