package dev.ragback.app.rollback;

import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.RunLock;

import java.time.Clock;

/**
 * The run lock that {@code rollback auto} and {@code snapshot restore} take ({@link Locks#acquire}: TaskDB's,
 * and the lock file as fallback), who takes it, and the TaskDB their events go to.
 */
public record RunLocks(RunLock primary, RunLock fallback, String host, long pid, Clock clock, AuditLog audit) {
}
