package dev.ragback.app.rollback;

import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.checks.VerifyService;
import dev.ragback.app.port.RunLock;
import dev.ragback.app.restore.RestorePlan;
import dev.ragback.app.restore.RestoreJournal;
import dev.ragback.app.restore.RestoreService;
import dev.ragback.app.restore.TaskDbRestoreJournal;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A restore, then {@code verify} against its set (SPEC section 5): what {@code snapshot restore}
 * and the {@code restore} step of {@code rollback auto} both do. With a run lock it takes the lock
 * first, as {@code snapshot restore} must; the rollback already holds it.
 */
public final class VerifiedRestore {

    /**
     * @param restored what each store took
     * @param verified the check against the set; {@code null} when only one store was restored
     */
    public record Result(RestoreService.Restored restored, VerifyService.Report verified) {
        public boolean passed() {
            return verified == null || verified.passed();
        }
    }

    private final RestoreService restore;
    private final Supplier<VerifyService> verify;
    private final RunLocks lock;

    /** {@code lock} null: only {@link #runLeased} (the caller holds the run lock already). */
    public VerifiedRestore(RestoreService restore, Supplier<VerifyService> verify, RunLocks lock) {
        this.restore = restore;
        this.verify = verify;
        this.lock = lock;
    }

    /**
     * {@code snapshot restore}: takes the lease, journals to TaskDB under its id; {@code say} gets a stop's state block;
     * {@code commitBegins} answers {@link RestoreJournal#commitBegins()}. An interrupt after the commit skips the verify:
     * INTERRUPTED, saying both stores are restored.
     */
    public Result run(RestorePlan plan, boolean breakLock, Progress progress, Consumer<String> warn, Consumer<String> say,
                      BooleanSupplier commitBegins) {
        RestoreService.Restored restored;
        try {
            restored = underLock(plan, breakLock, progress, warn, say, commitBegins);
        } finally {
            progress.done();
        }
        if (restored.interruptedAfterCommit() || Thread.interrupted()) {
            throw interruptedAfterCommit(plan, null);
        }
        try {
            return verified(plan, restored);
        } catch (RagbackException e) {
            throw e.kind() == RagbackException.Kind.INTERRUPTED ? interruptedAfterCommit(plan, e) : e;
        }
    }

    private static RagbackException interruptedAfterCommit(RestorePlan plan, RagbackException cause) {
        String stores = plan.postgres() && plan.qdrant() ? "both stores are" : plan.postgres() ? "PostgreSQL is" : "Qdrant is";
        return new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted after the commit: " + stores
                + " restored to " + plan.id() + " (the commit was finished first); verify did not run",
                "check them: ragback verify --snapshot " + plan.id(), cause);
    }

    /** The restore step of a rollback, which holds the lease and journals the run. */
    public Result runLeased(RestorePlan plan, Progress progress, RestoreJournal journal) {
        RestoreService.Restored restored;
        try {
            restored = restore.execute(plan, progress, journal);
        } finally {
            progress.done();
        }
        return verified(plan, restored);
    }

    private Result verified(RestorePlan plan, RestoreService.Restored restored) {
        return new Result(restored, plan.postgres() && plan.qdrant() ? verify.get().verify(plan.id()) : null);
    }

    private RestoreService.Restored underLock(RestorePlan plan, boolean breakLock, Progress progress, Consumer<String> warn,
                                              Consumer<String> say, BooleanSupplier commitBegins) {
        RunLock.Holder me = new RunLock.Holder("restore_" + lock.clock().instant().getEpochSecond(), lock.host(), lock.pid(),
                lock.clock().instant());
        try (RunLock.Lease lease = Locks.acquire(lock.primary(), lock.fallback(), me, breakLock, warn)) {
            if (lease.broken() != null) {
                warn.accept("broke the stale lease of " + lease.broken());
            }
            return restore.execute(plan, progress, new TaskDbRestoreJournal(lock.audit(), me.runId(), line -> {
                progress.done();
                say.accept(line);
            }, warn, commitBegins));
        }
    }
}
