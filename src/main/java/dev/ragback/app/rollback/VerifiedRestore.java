package dev.ragback.app.rollback;

import dev.ragback.app.Progress;
import dev.ragback.app.checks.VerifyService;
import dev.ragback.app.port.RunLock;
import dev.ragback.app.restore.RestorePlan;
import dev.ragback.app.restore.RestoreService;

import java.time.Clock;
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

    /** The run lock, and who takes it. */
    public record Lock(RunLock primary, RunLock fallback, String host, long pid, Clock clock) {
    }

    private final RestoreService restore;
    private final Supplier<VerifyService> verify;
    private final Lock lock;

    /** {@code lock} null: the caller holds the run lock already. */
    public VerifiedRestore(RestoreService restore, Supplier<VerifyService> verify, Lock lock) {
        this.restore = restore;
        this.verify = verify;
        this.lock = lock;
    }

    public Result run(RestorePlan plan, boolean breakLock, Progress progress, Consumer<String> warn) {
        RestoreService.Restored restored;
        try {
            restored = lock == null ? restore.execute(plan, progress) : underLock(plan, breakLock, progress, warn);
        } finally {
            progress.done();
        }
        return new Result(restored, plan.postgres() && plan.qdrant() ? verify.get().verify(plan.id()) : null);
    }

    private RestoreService.Restored underLock(RestorePlan plan, boolean breakLock, Progress progress, Consumer<String> warn) {
        RunLock.Holder me = new RunLock.Holder("restore_" + lock.clock().instant().getEpochSecond(), lock.host(), lock.pid(),
                lock.clock().instant());
        try (RunLock.Lease lease = Locks.acquire(lock.primary(), lock.fallback(), me, breakLock, warn)) {
            if (lease.broken() != null) {
                warn.accept("broke the stale lease of " + lease.broken());
            }
            return restore.execute(plan, progress);
        }
    }
}
