package dev.ragback.app.port;

import java.time.Instant;

/**
 * One rollback or restore at a time. Calls fail with a {@link dev.ragback.app.RagbackException}:
 * LOCKED naming the holder, EXTERNAL when the lock's store cannot be reached.
 */
public interface RunLock {

    /**
     * Who holds (or held) the lock.
     *
     * @param runId e.g. {@code rollback_1764300000}
     * @param host  host name of the holder
     * @param pid   process id of the holder
     * @param since when it took the lock
     */
    record Holder(String runId, String host, long pid, Instant since) {
        @Override
        public String toString() {
            return "run " + runId + " (pid " + pid + " on " + host + ", since " + since + ")";
        }
    }

    /** A held lock; closing releases it. */
    interface Lease extends AutoCloseable {
        /** The stale lease this one replaced, or {@code null}. */
        Holder broken();

        @Override
        void close();
    }

    /**
     * Takes the lock for {@code me}. A lease left by a process that is gone is taken over when it
     * belongs to the same run (a resume) or when {@code breakStale} is set; otherwise LOCKED.
     */
    Lease acquire(Holder me, boolean breakStale);
}
