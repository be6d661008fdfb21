package dev.ragback.app.restore;

import dev.ragback.app.Background;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.UploadInDoubt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Both stores or neither (issue 19). Prepare both halves in parallel, nothing visible; then COMMIT
 * PostgreSQL and switch the alias, the commit window between them measured. A failure, a timeout
 * or an interrupt during prepare aborts both: the transaction is rolled back and the new
 * collection deleted. An alias switch that still fails after the COMMIT rolls forward: it says
 * exactly which command finishes it.
 */
final class TwoPhaseRestore {
    private final PostgresRestore postgres;
    private final QdrantRestore qdrant;
    private final RestoreJournal journal;

    TwoPhaseRestore(PostgresRestore postgres, QdrantRestore qdrant, RestoreJournal journal) {
        this.postgres = postgres;
        this.qdrant = qdrant;
        this.journal = journal;
    }

    /** What a piece of work gave, or how it failed. */
    private record Outcome<T>(T value, RuntimeException failure) {
    }

    RestoreService.Restored run(RestorePlan plan, Progress progress) {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "restore-" + plan.id());
            thread.setDaemon(true);
            return thread;
        });
        try {
            journal.record("restore_started", metadata(plan));
            Future<PreparedHalf> pgFuture = pool.submit(() -> plan.postgres() ? postgres.prepare(plan, progress) : null);
            Future<PreparedHalf> qFuture = pool.submit(() -> plan.qdrant() ? qdrant.prepare(plan, progress) : null);
            boolean[] interrupted = {false};
            Outcome<PreparedHalf> pg = await(pgFuture, pool, interrupted);
            Outcome<PreparedHalf> q = await(qFuture, pool, interrupted);
            if (interrupted[0] || pg.failure() != null || q.failure() != null) {
                throw abort(plan, pg, q, interrupted[0]);
            }
            if (Thread.interrupted() || !journal.commitBegins()) {
                throw abort(plan, pg, q, true); // stopped just before the point of no return: still nothing visible
            }
            Map<String, Object> prepared = metadata(plan);
            prepared.put("postgres_ms", millis(pg));
            prepared.put("qdrant_ms", millis(q));
            journal.record("restore_prepared", prepared);
            // on a thread Ctrl-C does not interrupt: the commit is short, and stopping it halfway would split the stores
            boolean[] lateInterrupt = {false};
            Outcome<Long> window = await(pool.submit(() -> commit(plan, pg.value(), q.value())), null, lateInterrupt);
            // a commit that ended before get() was called returns without looking at the interrupt flag
            lateInterrupt[0] |= Thread.interrupted();
            if (window.failure() != null) {
                throw window.failure();
            }
            if (lateInterrupt[0]) {
                journal.say("interrupt received after the commit of " + plan.id() + "; the switch was finished");
            }
            return new RestoreService.Restored(plan, millis(pg), bytes(pg), millis(q), bytes(q), window.value(), lateInterrupt[0]);
        } finally {
            pool.shutdownNow();
        }
    }

    /** COMMIT, then the alias switch; the window between them, in ms. */
    private long commit(RestorePlan plan, PreparedHalf pg, PreparedHalf q) {
        long started = System.nanoTime();
        if (pg != null) {
            try {
                pg.commit();
            } catch (RuntimeException e) {
                String qState = q == null ? null : q.abort();
                throw stopped(plan, e, "unchanged (the COMMIT failed: " + e.getMessage() + ")", qState, false);
            }
        }
        if (pg != null && q != null) {
            // a run killed from here on resumes by finishing the switch (rollback auto --resume)
            journal.record("restore_postgres_committed", metadata(plan));
        }
        if (q != null) {
            try {
                q.commit();
            } catch (RagbackException e) {
                throw rollForward(plan, e);
            }
        }
        long window = (System.nanoTime() - started) / 1_000_000;
        Map<String, Object> committed = metadata(plan);
        committed.put("window_ms", window);
        journal.record("restore_committed", committed);
        return window;
    }

    /** The alias switch failed after the COMMIT: finish it, never undo the database. */
    private RagbackException rollForward(RestorePlan plan, RagbackException e) {
        String alias = plan.aliasesToSwitch().get(0);
        String state = "PostgreSQL: restored to " + plan.id() + " (committed); Qdrant: collection " + plan.qdrantTarget()
                + " is ready, alias still on " + (plan.previousCollection() == null ? "nothing" : plan.previousCollection());
        List<String> commands = plan.aliasesToSwitch().stream()
                .map(a -> "ragback qdrant switch-alias " + a + " " + plan.qdrantTarget()).toList();
        Map<String, Object> rollForward = metadata(plan);
        rollForward.put("reason", e.getMessage());
        rollForward.put("alias", alias);
        rollForward.put("collection", plan.qdrantTarget());
        rollForward.put("finish", String.join("; ", commands));
        journal.record("restore_roll_forward", rollForward);
        journal.say("restore of " + plan.id() + " committed PostgreSQL, but the alias switch failed: " + e.getMessage());
        return new RagbackException(e.kind() == RagbackException.Kind.INTERRUPTED ? RagbackException.Kind.EXTERNAL : e.kind(),
                state, "finish it: " + String.join("; then ", commands), e);
    }

    private RagbackException abort(RestorePlan plan, Outcome<PreparedHalf> pg, Outcome<PreparedHalf> q, boolean interrupted) {
        RuntimeException first = interrupted ? new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted")
                : pg.failure() != null ? pg.failure() : q.failure();
        String pgState = !plan.postgres() ? null : pg.value() != null ? Background.uninterrupted(pg.value()::abort)
                : PostgresRestore.failedState(plan);
        String qState = !plan.qdrant() ? null : q.value() != null ? Background.uninterrupted(q.value()::abort)
                : QdrantRestore.failedState(plan, q.failure() == null ? first : q.failure());
        return stopped(plan, interrupted && (pg.failure() != null || q.failure() != null) ? withCause(first, pg, q) : first,
                pgState, qState, interrupted);
    }

    private static RuntimeException withCause(RuntimeException interrupt, Outcome<PreparedHalf> pg, Outcome<PreparedHalf> q) {
        RuntimeException cause = pg.failure() != null ? pg.failure() : q.failure();
        return new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted (" + cause.getMessage() + ")", null, cause);
    }

    /** Says each store's state in one block, journals it, and returns the failure to throw. */
    private RagbackException stopped(RestorePlan plan, RuntimeException failure, String pgState, String qState, boolean interrupted) {
        boolean unchanged = (pgState == null || pgState.startsWith("unchanged")) && (qState == null || qState.startsWith("unchanged"));
        String reason = failure.getMessage();
        journal.say("restore of " + plan.id() + " stopped before its commit" + (unchanged ? "; nothing was changed:" : ":"));
        if (pgState != null) {
            journal.say("  PostgreSQL: " + pgState);
        }
        if (qState != null) {
            journal.say("  Qdrant:     " + qState);
        }
        Map<String, Object> event = metadata(plan);
        event.put("reason", reason);
        event.put("postgres", pgState);
        event.put("qdrant", qState);
        event.put("unchanged", unchanged);
        journal.record(interrupted ? "restore_interrupted" : "restore_aborted", event);
        if (failure instanceof UploadInDoubt doubt) {
            return doubt; // its message says what was seen, and what to look at
        }
        RagbackException.Kind kind = failure instanceof RagbackException known ? known.kind() : RagbackException.Kind.EXTERNAL;
        String hint = failure instanceof RagbackException known ? known.hint() : null;
        String message = unchanged ? reason + "; nothing was changed" : reason + "; the stores are not as they were (see above)";
        String next = unchanged ? "run it again when the cause is fixed: ragback snapshot restore " + plan.id()
                : "check both stores: ragback verify --snapshot " + plan.id();
        return new RagbackException(kind, message, hint == null ? next : hint + "; " + next, failure);
    }

    /** Waits for one half, Ctrl-C or not: an interrupt stops both halves, and their clean-up is waited for. */
    private static <T> Outcome<T> await(Future<T> future, ExecutorService stopOnInterrupt, boolean[] interrupted) {
        while (true) {
            try {
                return new Outcome<>(future.get(), null);
            } catch (InterruptedException e) {
                interrupted[0] = true;
                if (stopOnInterrupt != null) {
                    stopOnInterrupt.shutdownNow();
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                return new Outcome<>(null, cause instanceof RuntimeException r ? r
                        : RagbackException.external("restore failed: " + cause.getMessage(), null, cause));
            }
        }
    }

    private static long millis(Outcome<PreparedHalf> p) {
        return p.value() == null ? -1 : p.value().millis();
    }

    private static long bytes(Outcome<PreparedHalf> p) {
        return p.value() == null ? 0 : p.value().bytes();
    }

    /** What every restore event says, in this order; the caller adds its own keys after. */
    private static Map<String, Object> metadata(RestorePlan plan) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("snapshot_id", plan.id());
        out.put("mode", plan.atomic() ? "two_phase" : "not_atomic");
        if (plan.qdrant()) {
            out.put("collection", plan.qdrantTarget());
        }
        return out;
    }
}
