package dev.ragback.app.history;

import java.time.Duration;
import java.time.Instant;

/**
 * One rollback run as {@code history} lists it.
 *
 * @param runId      e.g. {@code rollback_1764300000}
 * @param reason     the reason of its {@code rollback_auto} event, {@code null} when not recorded
 * @param startedAt  the start: the event's {@code timestamp}, else the epoch in the run id, else the first event's time
 * @param duration   {@code duration_s} of {@code rollback_finished}; for a run without it, first to newest event;
 *                   {@code null} when unknown
 * @param outcome    succeeded, failed, aborted, blocked (from {@code rollback_finished}), or {@link #RUNNING} /
 *                   {@link #INCOMPLETE} for a run that has not finished
 * @param failedStep the step that stopped a finished run, {@code null} when none
 * @param lastStep   the step of the newest {@code rollback_step} event, {@code null} when none
 * @param dryRun     true when the run was started with {@code --dry-run}
 * @param snapshot   the snapshot set of the plan, {@code null} when not recorded
 * @param release    the release of the plan, {@code null} when not recorded
 * @param host       where it ran, {@code null} when not recorded
 */
public record RunSummary(String runId, String reason, Instant startedAt, Duration duration, String outcome, String failedStep,
                         String lastStep, boolean dryRun, String snapshot, String release, String host) {
    /** No {@code rollback_finished} yet and the newest event is recent. */
    public static final String RUNNING = "running";
    /** No {@code rollback_finished} and no event for {@link RollbackRun#QUIET_LIMIT}: crashed or killed. */
    public static final String INCOMPLETE = "incomplete";

    public boolean finished() {
        return !RUNNING.equals(outcome) && !INCOMPLETE.equals(outcome);
    }
}
