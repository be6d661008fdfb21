package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.RunLock;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run lock on the throwaway PostgreSQL: one holder at a time, named; stale leases broken only when asked. */
@ExtendWith(PostgresExtension.class)
class PostgresRunLockTest {
    private static final Instant SINCE = Instant.parse("2026-11-28T03:00:00Z");

    @BeforeEach
    void clean(PgDatabase db) {
        db.execute("DROP TABLE IF EXISTS ragback_leases");
    }

    private static RunLock.Holder holder(String run, long pid) {
        return new RunLock.Holder(run, "host-a", pid, SINCE);
    }

    @Test
    void secondHolderIsRefusedNamingTheFirst(PgDatabase db) {
        PostgresRunLock lock = new PostgresRunLock(db.connection());
        try (RunLock.Lease first = lock.acquire(holder("rollback_1", 111), false)) {
            assertNull(first.broken());
            RagbackException e = assertThrows(RagbackException.class, () -> lock.acquire(holder("rollback_2", 222), false));
            assertEquals(RagbackException.Kind.LOCKED, e.kind());
            assertTrue(e.getMessage().contains("run rollback_1 (pid 111 on host-a"), e.getMessage());
        }
        try (RunLock.Lease again = lock.acquire(holder("rollback_2", 222), false)) {
            assertNull(again.broken(), "a released lock leaves no lease behind");
        }
    }

    @Test
    void leaseOfADeadProcessNeedsBreakLockUnlessItIsTheSameRun(PgDatabase db) {
        db.execute("CREATE TABLE ragback_leases (name text PRIMARY KEY, run_id text NOT NULL, host text NOT NULL, "
                + "pid bigint NOT NULL, since timestamptz NOT NULL); INSERT INTO ragback_leases VALUES "
                + "('rollback', 'rollback_9', 'host-b', 999999, now())");
        PostgresRunLock lock = new PostgresRunLock(db.connection());
        RagbackException e = assertThrows(RagbackException.class, () -> lock.acquire(holder("rollback_10", 1), false));
        assertEquals(RagbackException.Kind.LOCKED, e.kind());
        assertTrue(e.getMessage().contains("rollback_9") && e.hint().contains("--break-lock"), e.getMessage() + " " + e.hint());
        try (RunLock.Lease resumed = lock.acquire(holder("rollback_9", 2), false)) {
            assertNull(resumed.broken(), "a resume takes over its own lease");
        }
        db.execute("INSERT INTO ragback_leases VALUES ('rollback', 'rollback_9', 'host-b', 999999, now())");
        try (RunLock.Lease broke = lock.acquire(holder("rollback_10", 1), true)) {
            assertEquals("rollback_9", broke.broken().runId());
        }
    }

    @Test
    void staleLeaseOfAFailedRollbackPointsAtResumeAndOneOfALiveProcessSaysItRuns() {
        RunLock.Holder me = holder("rollback_11", 1);
        RagbackException dead = PostgresRunLock.stale(holder("rollback_9", 999_999_999L), me);
        assertEquals(RagbackException.Kind.LOCKED, dead.kind());
        assertTrue(dead.getMessage().contains("session is gone"), dead.getMessage());
        assertTrue(dead.hint().contains("ragback rollback auto --resume rollback_9") && dead.hint().contains("--break-lock"), dead.hint());
        RagbackException restore = PostgresRunLock.stale(holder("restore_1764300000", 999_999_999L), me);
        assertFalse(restore.hint().contains("--resume"), "a restore cannot be resumed: " + restore.hint());
        long alive = ProcessHandle.current().pid();
        RagbackException running = PostgresRunLock.stale(holder("rollback_9", alive), me);
        assertTrue(running.getMessage().contains("still runs") && running.hint().contains("pid " + alive), running.getMessage());
        RagbackException elsewhere = PostgresRunLock.stale(new RunLock.Holder("rollback_9", "host-z", alive, SINCE), me);
        assertTrue(elsewhere.getMessage().contains("left behind"), "another host's pid says nothing here: " + elsewhere.getMessage());
    }

    @Test
    void refusalWaitsForTheHolderToWriteItsLeaseRow(PgDatabase db) throws Exception {
        db.execute("CREATE TABLE ragback_leases (name text PRIMARY KEY, run_id text NOT NULL, host text NOT NULL, "
                + "pid bigint NOT NULL, since timestamptz NOT NULL)");
        try (Connection holder = db.connection().open(); Statement statement = holder.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + PostgresRunLock.LOCK_KEY + ")");
            Thread writer = new Thread(() -> {
                try {
                    Thread.sleep(400);
                    db.execute("INSERT INTO ragback_leases VALUES ('rollback', 'rollback_7', 'host-c', 777, now())");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            RagbackException e = assertThrows(RagbackException.class, () -> new PostgresRunLock(db.connection())
                    .acquire(holder("rollback_8", 888), false));
            writer.join();
            assertTrue(e.getMessage().contains("run rollback_7 (pid 777 on host-c"), e.getMessage());
        }
    }
}
