package dev.ragback.app.rollback;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.RunLock;

import java.util.function.Consumer;

/** Takes the run lock in TaskDB, or the local lock file when TaskDB cannot be reached. */
public final class Locks {
    private Locks() {
    }

    public static RunLock.Lease acquire(RunLock primary, RunLock fallback, RunLock.Holder me, boolean breakStale,
                                        Consumer<String> warn) {
        try {
            return primary.acquire(me, breakStale);
        } catch (RagbackException e) {
            if (e.kind() != RagbackException.Kind.EXTERNAL) {
                throw e;
            }
            warn.accept("TaskDB unreachable for the lock (" + e.getMessage() + "); using the local lock file");
            return fallback.acquire(me, breakStale);
        }
    }
}
