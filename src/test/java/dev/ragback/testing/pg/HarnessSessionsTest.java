package dev.ragback.testing.pg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PostgresExtension.class)
class HarnessSessionsTest {

    @Test
    void statementsOfOneDatabaseShareOneSession(PgDatabase db) {
        String first = pid(db);
        db.execute("SELECT 1");
        assertEquals(first, pid(db));
    }

    @Test
    void aSessionEndedByTheServerIsReplaced(ThrowawayPostgres postgres, PgDatabase db) {
        String before = pid(db);
        postgres.execute("postgres", "SELECT pg_terminate_backend(" + before + ")");
        String after = pid(db);
        assertNotEquals(before, after);
        assertEquals(List.of(List.of("1")), db.rows("SELECT 1"));
    }

    @Test
    void aDroppedAndRecreatedDatabaseIsReachedAgain(ThrowawayPostgres postgres) {
        PgDatabase scratch = postgres.freshDatabase("ragdb_harness_sessions_scratch");
        try {
            String before = pid(scratch);
            postgres.createDatabase(scratch.name());
            assertNotEquals(before, pid(scratch));
        } finally {
            postgres.dropDatabase(scratch.name());
        }
    }

    @Test
    void aStatementOfAnotherThreadDoesNotWaitForABusySession(PgDatabase db) throws Exception {
        CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> db.execute("SELECT pg_sleep(60)"));
        String sleeper = null;
        for (int i = 0; i < 1000 && sleeper == null; i++) {
            List<List<String>> rows = db.rows("SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'"
                    + " AND state = 'active' AND datname = current_database()");
            sleeper = rows.isEmpty() ? null : rows.get(0).get(0);
            Thread.sleep(10);
        }
        assertNotEquals(null, sleeper, "the other thread's statement never started");
        assertNotEquals(sleeper, pid(db), "this thread got a session of its own while the other one was busy");
        db.execute("SELECT pg_cancel_backend(" + sleeper + ")");
        ExecutionException cancelled = assertThrows(ExecutionException.class, () -> sleeping.get(30, TimeUnit.SECONDS));
        assertTrue(cancelled.getCause().getMessage().contains("canceling statement"), cancelled.getCause().getMessage());
        assertEquals(List.of(List.of("1")), db.rows("SELECT 1"));
    }

    private static String pid(PgDatabase db) {
        return db.rows("SELECT pg_backend_pid()").get(0).get(0);
    }
}
