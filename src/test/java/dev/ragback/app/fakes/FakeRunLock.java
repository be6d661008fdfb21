package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.RunLock;

/**
 * In-memory run lock with the rules of the TaskDB one: a session holds it while the run lives, a
 * lease row names the holder; a lease left by a dead session is taken over by the same run (a
 * resume) or when asked to break it.
 */
public final class FakeRunLock implements RunLock {
    /** The lease row, or null. */
    public Holder lease;
    /** True while a live session holds the lock. */
    public boolean held;

    @Override
    public synchronized Lease acquire(Holder me, boolean breakStale) {
        if (held) {
            throw new RagbackException(RagbackException.Kind.LOCKED, "another ragback run holds the lock: " + lease);
        }
        Holder broken = null;
        if (lease != null && !lease.runId().equals(me.runId())) {
            if (!breakStale) {
                throw new RagbackException(RagbackException.Kind.LOCKED, "a lease of " + lease + " is left behind");
            }
            broken = lease;
        }
        lease = me;
        held = true;
        Holder replaced = broken;
        return new Lease() {
            @Override
            public Holder broken() {
                return replaced;
            }

            @Override
            public void close() {
                synchronized (FakeRunLock.this) {
                    if (held && lease == me) {
                        lease = null;
                        held = false;
                    }
                }
            }
        };
    }

    /** The holder's process died: its session (and so the lock) is gone, its lease row stays. */
    public synchronized void processDied() {
        held = false;
    }
}
