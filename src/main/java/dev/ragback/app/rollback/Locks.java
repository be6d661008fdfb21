package dev.ragback.app.rollback;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.RunLock;

import java.util.function.Consumer;

/**
 * Takes the run lock in TaskDB and the local lock file, or the lock file alone when TaskDB cannot
 * be reached. The lock file is taken beside TaskDB's lock because a run that started while TaskDB
 * was down holds only the file, and must still keep a later run out.
 */
public final class Locks {
    private Locks() {
    }

    public static RunLock.Lease acquire(RunLock primary, RunLock fallback, RunLock.Holder me, boolean breakStale,
                                        Consumer<String> warn) {
        RunLock.Lease inTaskDb;
        try {
            inTaskDb = primary.acquire(me, breakStale);
        } catch (RagbackException e) {
            if (e.kind() != RagbackException.Kind.EXTERNAL) {
                throw e;
            }
            warn.accept("TaskDB unreachable for the lock (" + e.getMessage() + "); using the local lock file");
            return fallback.acquire(me, breakStale);
        }
        RunLock.Lease local;
        try {
            local = fallback.acquire(me, breakStale);
        } catch (RagbackException e) {
            if (e.kind() != RagbackException.Kind.EXTERNAL) {
                inTaskDb.close();
                throw e;
            }
            warn.accept("the local lock file cannot be taken (" + e.getMessage() + "); TaskDB's lock alone holds this run");
            return inTaskDb;
        }
        return both(inTaskDb, local);
    }

    private static RunLock.Lease both(RunLock.Lease inTaskDb, RunLock.Lease local) {
        return new RunLock.Lease() {
            @Override
            public RunLock.Holder broken() {
                return inTaskDb.broken() != null ? inTaskDb.broken() : local.broken();
            }

            @Override
            public void close() {
                // the file first: a run that gets TaskDB's lock next must not find this live process in the file
                try {
                    local.close();
                } finally {
                    inTaskDb.close();
                }
            }
        };
    }
}
